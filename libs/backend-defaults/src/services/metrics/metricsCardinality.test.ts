import { LogLine, startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';

const TOKEN = 'metrics-token-0123456789-abcdef';
const OPS_TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const auth = { externalAccess: [{ type: 'static', options: { token: OPS_TOKEN, subject: 'ops' } }] };

async function scrape(backend: StartedBackend): Promise<string> {
  const response = await fetch(`${backend.baseUrl}/.trellis/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

function requestSeries(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('trellis_http_requests_total{'));
}

/** Sends every path with `concurrency` requests in flight, reading each answer to its end. */
async function sendAll(
  baseUrl: string,
  paths: string[],
  concurrency = 16,
  headers: Record<string, string> = {},
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      await (await fetch(`${baseUrl}${path}`, { headers })).arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('request metrics under hostile traffic', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { metrics: { token: TOKEN }, auth } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('keeps the request series bounded when 2,000 distinct unknown paths arrive without credentials', async () => {
    const paths = Array.from({ length: 2000 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return `/api/unknown-${i}/x`;
        case 1:
          return `/.trellis/probe-${i}`;
        case 2:
          return `/api/alpha/nothing-${i}`;
        case 3:
          return `/${i}/anything`;
        default:
          return `/api/AlPhA/${i % 2 ? 'OPEN' : 'open'}?n=${i}`;
      }
    });
    await sendAll(backend.baseUrl, paths);
    const series = requestSeries(await scrape(backend));
    expect(series.length).toBeLessThanOrEqual(10);
    expect(series.join('\n')).not.toMatch(/unknown-|probe-|nothing-|AlPhA/);
    expect(series).toContainEqual(
      expect.stringMatching(/plugin="other".*route="other".*status="404"|route="other".*plugin="other"/),
    );
    const open = series.find((line) => line.includes('plugin="alpha"') && line.includes('route="/api/alpha/open"'));
    expect(open).toBeDefined();
    expect(Number(open!.slice(open!.lastIndexOf(' ') + 1))).toBeGreaterThanOrEqual(400);
    // Thousands of requests: minutes on a loaded 2-core machine, not the default 30 s.
  }, 180_000);
});

describe('the series cap', () => {
  it('folds label sets past backend.metrics.maxSeriesPerMetric into one other series, counts them and warns once', async () => {
    const lines: LogLine[] = [];
    const backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { metrics: { token: TOKEN, maxSeriesPerMetric: 3 }, auth } },
      logLines: lines,
    });
    try {
      const authorization = `Bearer ${OPS_TOKEN}`;
      // Six label sets the backend itself defines: three routes, two statuses, unknown paths.
      await sendAll(
        backend.baseUrl,
        ['/api/alpha/open', '/api/alpha/whoami', '/api/alpha/boom', '/api/alpha/nope', '/nope'],
        1,
        { authorization },
      );
      await sendAll(backend.baseUrl, ['/api/alpha/whoami', '/api/alpha/boom', '/nope', '/x'], 1);
      const text = await scrape(backend);
      const series = requestSeries(text);
      expect(series.length).toBeLessThanOrEqual(4);
      expect(series).toContainEqual(
        expect.stringMatching(
          /^trellis_http_requests_total\{plugin="other",method="other",route="other",status="other"\} \d+$/,
        ),
      );
      const overflowLine = text
        .split('\n')
        .find((l) =>
          l.startsWith('trellis_metrics_series_overflow_total{metric="trellis_http_request_duration_seconds"}'),
        );
      expect(Number(overflowLine?.split(' ')[1])).toBeGreaterThanOrEqual(5);
      const warnings = lines.filter((l) => l.level === 'warn' && String(l.message).includes('maxSeriesPerMetric'));
      expect(warnings).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
