import { BenchWorkspace } from '../BenchWorkspace';
import { ColdStartFigure } from '../BenchReport';
import { ServerProcess, ServerSpec } from '../ServerProcess';
import { median, round } from '../stats';

/**
 * Process spawn to the first 200 on a plugin route and to readiness 200, for the reference
 * backend and bare Express, alternating so that drift on the machine hits both alike.
 */
export async function measureColdStart(workspace: BenchWorkspace, runs: number): Promise<ColdStartFigure> {
  const express = { first: [] as number[], ready: [] as number[] };
  const reference = { first: [] as number[], ready: [] as number[] };
  for (let i = 0; i < runs; i++) {
    await timeStart(await workspace.express(), express);
    await timeStart(await workspace.referenceBackend(), reference);
  }
  const medians = (t: typeof express) => ({ firstMs: round(median(t.first)), readyMs: round(median(t.ready)) });
  return {
    runs,
    express: medians(express),
    reference: medians(reference),
    ratioFirst: round(median(reference.first) / median(express.first), 2),
    ratioReady: round(median(reference.ready) / median(express.ready), 2),
  };
}

async function timeStart(spec: ServerSpec, into: { first: number[]; ready: number[] }): Promise<void> {
  const server = await ServerProcess.start(spec);
  into.first.push(server.firstMs);
  into.ready.push(server.readyMs);
  await server.stop();
}
