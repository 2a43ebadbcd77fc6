import { BenchReport } from '../BenchReport';

/** A target of issue 17 (production defaults), checked against a run. */
export interface TargetCheck {
  target: string;
  /** The measured figure in words, or undefined when the run did not measure it. */
  measured?: string;
  met?: boolean;
}

/** Every target with what this run measured for it. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const { coldStart, scaling, requests, memory, instructions } = report.figures;
  const perPlugin = scaling && `${scaling.perPluginMs} ms and ${scaling.perPluginKiB} KiB`;
  const backstageOpen = requests?.backstageOpenRoute && requests.openRoute.rps / requests.backstageOpenRoute.rps;
  const instr = (name: string) => instructions?.rows.find((r) => r.name === name)?.perRequestK;
  const express = instr('bare Express');
  const trellis = instr('Trellis open route, production defaults');
  const instrRatio = express && trellis ? trellis / express : undefined;
  return [
    {
      target: 'Open route ≥ 0.80× bare Express (request log on)',
      measured: requests && `${requests.openRoute.ratio}×`,
      met: requests && requests.openRoute.ratio >= 0.8,
    },
    {
      target: 'Open route ≥ 1.5× Backstage',
      measured: backstageOpen === undefined ? undefined : `${round2(backstageOpen)}×`,
      met: backstageOpen === undefined ? undefined : backstageOpen >= 1.5,
    },
    {
      target: 'Plugin-token route ≥ 0.70× bare Express',
      measured: requests?.tokenRoute && `${requests.tokenRoute.ratio}×`,
      met: requests?.tokenRoute && requests.tokenRoute.ratio >= 0.7,
    },
    ...(['todoSqlite', 'todoPostgres'] as const).map((key) => {
      const row = requests?.[key];
      return {
        target: `Todo list ≥ 0.85× bare Express + knex, ${key === 'todoSqlite' ? 'SQLite' : 'PostgreSQL'}`,
        measured: row?.baselineRatio === undefined ? undefined : `${row.baselineRatio}×`,
        met: row?.baselineRatio === undefined ? undefined : row.baselineRatio >= 0.85,
      };
    }),
    {
      target: 'Cold start to first 200 ≤ 1.5× bare Express',
      measured: coldStart && `${coldStart.ratioFirst}×`,
      met: coldStart && coldStart.ratioFirst <= 1.5,
    },
    {
      target: 'RSS after start ≤ 1.5× bare Express',
      measured: memory && `${memory.ratioIdle}×`,
      met: memory && memory.ratioIdle <= 1.5,
    },
    {
      target: 'Instructions per open-route request ≤ 1.25× bare Express',
      measured: instrRatio === undefined ? undefined : `${round2(instrRatio)}×`,
      met: instrRatio === undefined ? undefined : instrRatio <= 1.25,
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
  ];
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
