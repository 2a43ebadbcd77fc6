import { BenchWorkspace } from '../BenchWorkspace';
import { ScalingFigure, ScalingRow } from '../BenchReport';
import { ServerProcess } from '../ServerProcess';
import { linearFit, median, round } from '../stats';

/**
 * Start time (spawn to readiness) and RSS at readiness of generated backends with each count of
 * trivial plugins; the per-plugin cost is the slope of a least-squares line through them.
 */
export async function measureScaling(workspace: BenchWorkspace, counts: number[], runs: number): Promise<ScalingFigure> {
  const rows: ScalingRow[] = [];
  for (const plugins of counts) {
    const ready: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const server = await ServerProcess.start(await workspace.pluginsBackend(plugins));
      ready.push(server.readyMs);
      rss.push(server.rssKiB());
      await server.stop();
    }
    rows.push({ plugins, readyMs: round(median(ready)), rssKiB: median(rss) });
  }
  const ms = linearFit(rows.map(r => [r.plugins, r.readyMs]));
  const kib = linearFit(rows.map(r => [r.plugins, r.rssKiB]));
  const one = rows.find(r => r.plugins === 1);
  const hundred = rows.find(r => r.plugins === 100);
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
