import { BenchReport } from '../BenchReport';

/** A target of issue 9, checked against a run. */
export interface TargetCheck {
  target: string;
  /** The measured figure in words, or undefined when the run did not measure it. */
  measured?: string;
  met?: boolean;
}

/** Every target with what this run measured for it. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const { coldStart, scaling, requests, memory } = report.figures;
  const perPlugin = scaling && `${scaling.perPluginMs} ms and ${scaling.perPluginKiB} KiB`;
  return [
    {
      target: 'Cold start to first response ≤ 2× bare Express',
      measured: coldStart && `${coldStart.ratioFirst}×`,
      met: coldStart && coldStart.ratioFirst <= 2,
    },
    {
      target: 'Reference backend ready in under 1 s',
      measured: coldStart && `${coldStart.reference.readyMs} ms`,
      met: coldStart && coldStart.reference.readyMs < 1000,
    },
    {
      target: '100 plugins start in ≤ 2× the time of 1 plugin',
      measured: scaling?.ratio100to1 === undefined ? undefined : `${scaling.ratio100to1}×`,
      met: scaling?.ratio100to1 === undefined ? undefined : scaling.ratio100to1 <= 2,
    },
    {
      target: 'Per-plugin cost ≤ 3 ms and ≤ 300 KiB',
      measured: perPlugin,
      met: scaling && scaling.perPluginMs <= 3 && scaling.perPluginKiB <= 300,
    },
    {
      target: 'Open route throughput ≥ 80% of bare Express',
      measured: requests && percent(requests.openRoute.ratio),
      met: requests && requests.openRoute.ratio >= 0.8,
    },
    {
      target: 'Token-verifying route ≥ 60% of bare Express',
      measured: requests?.tokenRoute && percent(requests.tokenRoute.ratio),
      met: requests?.tokenRoute && requests.tokenRoute.ratio >= 0.6,
    },
    {
      target: 'Idle RSS ≤ 2× bare Express',
      measured: memory && `${memory.ratioIdle}×`,
      met: memory && memory.ratioIdle <= 2,
    },
  ];
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
