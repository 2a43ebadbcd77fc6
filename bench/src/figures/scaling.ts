import { BenchWorkspace } from '../BenchWorkspace';
import { ScalingFigure, ScalingRow } from '../BenchReport';
import { ServerProcess } from '../ServerProcess';
import { linearFit, median, round } from '../stats';

/**
 * Start time (spawn to readiness) and RSS at readiness of generated backends with each count of
 * trivial plugins, the counts taken in turn in every round so that drift on the machine hits all
 * alike; the per-plugin cost is the slope of a least-squares line through the medians.
 */
export async function measureScaling(
  workspace: BenchWorkspace,
  counts: number[],
  runs: number,
): Promise<ScalingFigure> {
  const series = counts.map((plugins) => ({ plugins, ready: [] as number[], rss: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    for (const size of series) {
      const server = await ServerProcess.start(await workspace.pluginsBackend(size.plugins));
      size.ready.push(server.readyMs);
      size.rss.push(server.rssKiB());
      await server.stop();
    }
  }
  const rows: ScalingRow[] = series.map((s) => ({
    plugins: s.plugins,
    readyMs: round(median(s.ready)),
    rssKiB: median(s.rss),
  }));
  const ms = linearFit(rows.map((r) => [r.plugins, r.readyMs]));
  const kib = linearFit(rows.map((r) => [r.plugins, r.rssKiB]));
  const one = rows.find((r) => r.plugins === 1);
  const hundred = rows.find((r) => r.plugins === 100);
  return {
    runs,
    rows,
    perPluginMs: round(ms.slope, 2),
    perPluginKiB: round(kib.slope, 1),
    linearityMs: round(ms.r2, 3),
    linearityKiB: round(kib.r2, 3),
    ratio100to1: one && hundred ? round(hundred.readyMs / one.readyMs, 2) : undefined,
  };
}
