import { BenchWorkspace } from '../BenchWorkspace';
import { ColdStartFigure } from '../BenchReport';
import { ServerProcess, ServerSpec } from '../ServerProcess';
import { median, round } from '../stats';

type Times = { first: number[]; ready: number[] };

/**
 * Process spawn to the first 200 on a plugin route and to readiness 200, for bare Express, the
 * reference backend (with its production defaults when PostgreSQL answers, otherwise on SQLite)
 * and Backstage when installed, in turn so that drift on the machine hits all alike.
 */
export async function measureColdStart(
  workspace: BenchWorkspace,
  runs: number,
  anchors: { postgres: boolean; backstageDir?: string },
): Promise<ColdStartFigure> {
  const express: Times = { first: [], ready: [] };
  const reference: Times = { first: [], ready: [] };
  const backstage: Times = { first: [], ready: [] };
  for (let i = 0; i < runs; i++) {
    await timeStart(await workspace.express(), express);
    await timeStart(
      anchors.postgres
        ? await workspace.production({ backend: 'reference', database: 'pg' })
        : await workspace.referenceBackend(),
      reference,
    );
    if (anchors.backstageDir) {
      await timeStart(await workspace.backstage(anchors.backstageDir), backstage);
    }
  }
  const medians = (t: Times) => ({ firstMs: round(median(t.first)), readyMs: round(median(t.ready)) });
  return {
    runs,
    production: anchors.postgres,
    express: medians(express),
    reference: medians(reference),
    ...(anchors.backstageDir ? { backstage: medians(backstage) } : {}),
    ratioFirst: round(median(reference.first) / median(express.first), 2),
    ratioReady: round(median(reference.ready) / median(express.ready), 2),
  };
}

async function timeStart(spec: ServerSpec, into: Times): Promise<void> {
  const server = await ServerProcess.start(spec);
  into.first.push(server.firstMs);
  into.ready.push(server.readyMs);
  await server.stop();
}
