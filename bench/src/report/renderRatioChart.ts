import { BenchReport } from '../BenchReport';

interface Bar {
  label: string;
  ratio: number;
  /** The target ratio, and whether more is better (throughput) or less (time, memory). */
  target?: { value: number; higherIsBetter: boolean };
}

const WIDTH = 760;
const LABEL_WIDTH = 330;
const BAR_HEIGHT = 22;
const GAP = 10;
const MAX_RATIO = 4;
const SCALE = (WIDTH - LABEL_WIDTH - 70) / MAX_RATIO;

/** A bar chart of every Trellis / bare Express ratio of the run, with the target marked. */
export function renderRatioChart(report: BenchReport): string {
  const bars = ratioBars(report);
  const top = 34;
  const height = top + bars.length * (BAR_HEIGHT + GAP) + 30;
  const x = (ratio: number) => LABEL_WIDTH + Math.min(ratio, MAX_RATIO) * SCALE;
  const body = bars.map((bar, i) => renderBar(bar, top + i * (BAR_HEIGHT + GAP), x)).join('\n');
  const baseline = `<line x1="${x(1)}" y1="${top - 8}" x2="${x(1)}" y2="${height - 22}" stroke="#111" stroke-dasharray="4 3"/>`;
  const caption = `<text x="${x(1)}" y="${height - 8}" font-size="11" text-anchor="middle">1× = bare Express</text>`;
  const title = `<text x="10" y="18" font-size="13" font-weight="bold">Trellis / bare Express, ${report.date.slice(0, 10)} (green: target met, red: missed, | target)</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    title,
    body,
    baseline,
    caption,
    '</svg>',
    '',
  ].join('\n');
}

function renderBar(bar: Bar, y: number, x: (ratio: number) => number): string {
  const met = bar.target && (bar.target.higherIsBetter ? bar.ratio >= bar.target.value : bar.ratio <= bar.target.value);
  const fill = bar.target === undefined ? '#9ca3af' : met ? '#16a34a' : '#dc2626';
  const parts = [
    `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" font-size="12" text-anchor="end">${escapeXml(bar.label)}</text>`,
    `<rect x="${LABEL_WIDTH}" y="${y}" width="${x(bar.ratio) - LABEL_WIDTH}" height="${BAR_HEIGHT}" fill="${fill}"/>`,
    `<text x="${x(bar.ratio) + 6}" y="${y + 15}" font-size="12">${bar.ratio}×</text>`,
  ];
  if (bar.target) {
    const tx = x(bar.target.value);
    parts.push(`<line x1="${tx}" y1="${y - 3}" x2="${tx}" y2="${y + BAR_HEIGHT + 3}" stroke="#111" stroke-width="2"/>`);
  }
  return parts.join('');
}

function ratioBars(report: BenchReport): Bar[] {
  const { coldStart, requests, memory, scaling } = report.figures;
  const bars: Bar[] = [];
  const less = (value: number) => ({ value, higherIsBetter: false });
  const more = (value: number) => ({ value, higherIsBetter: true });
  if (coldStart) {
    bars.push({ label: 'cold start to first 200 (lower is better)', ratio: coldStart.ratioFirst, target: less(1.5) });
    bars.push({ label: 'cold start to ready (lower is better)', ratio: coldStart.ratioReady });
  }
  if (scaling?.ratio100to1) {
    bars.push({
      label: 'start, 100 plugins / 1 plugin (lower is better)',
      ratio: scaling.ratio100to1,
      target: less(2),
    });
  }
  if (requests) {
    bars.push({ label: 'open route req/s (higher is better)', ratio: requests.openRoute.ratio, target: more(0.8) });
    const quiet = requests.openRouteQuiet ?? requests.openRouteLogged;
    if (quiet) {
      bars.push({ label: `open route, log lines ${requests.production ? 'off' : 'on'}, req/s`, ratio: quiet.ratio });
    }
    bars.push({ label: 'one-plugin backend, open route req/s', ratio: requests.onePluginOpenRoute.ratio });
    if (requests.tokenRoute) {
      bars.push({
        label: 'plugin-token route req/s (higher is better)',
        ratio: requests.tokenRoute.ratio,
        target: more(0.7),
      });
    }
    if (requests.todoSqlite) {
      bars.push({ label: 'todo list from SQLite req/s', ratio: requests.todoSqlite.ratio });
    }
    if (requests.todoPostgres) {
      bars.push({ label: 'todo list from PostgreSQL req/s', ratio: requests.todoPostgres.ratio });
    }
    if (requests.catalogList) {
      bars.push({ label: 'catalog list from SQLite req/s', ratio: requests.catalogList.ratio });
    }
  }
  if (memory) {
    bars.push({ label: 'RSS after start (lower is better)', ratio: memory.ratioIdle, target: less(1.5) });
    bars.push({ label: 'RSS after load (lower is better)', ratio: memory.ratioLoaded });
  }
  return bars;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
