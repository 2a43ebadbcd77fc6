import { spawn } from 'node:child_process';
import path from 'node:path';

/** Throughput and latency of one load run. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time the server spent per request during the measured run (user and system). */
  cpuUsPerRequest: number;
}

/** Options of {@link loadTest}. */
export interface LoadTestOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** The server's CPU time so far, in ms. */
  cpuTimeMs: () => number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const AUTOCANNON = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/**
 * Runs autocannon in its own process against `url`: a warm-up, then the measured run. Every
 * request must get a 2xx, or the figure would measure error handling instead.
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadResult> {
  await autocannon(options, ['-d', String(options.warmupSeconds)]);
  const cpuBefore = options.cpuTimeMs();
  const json = await autocannon(options, ['-d', String(options.seconds)]);
  const cpuMs = options.cpuTimeMs() - cpuBefore;
  const failed = json.non2xx + json.errors + json.timeouts;
  if (failed > 0) {
    throw new Error(`${failed} of the requests to ${options.url} failed or were not 2xx`);
  }
  return {
    rps: json.requests.average,
    p50: json.latency.p50,
    p99: json.latency.p99,
    cpuUsPerRequest: (cpuMs * 1000) / json.requests.total,
  };
}

/** Sends exactly `amount` requests over `connections` connections; every one must get a 2xx. */
export async function runRequests(options: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  amount: number;
}): Promise<void> {
  // Generous timeouts: under valgrind a server answers some 50 times slower.
  const json = await autocannon(options, ['-a', String(options.amount), '-t', '120']);
  const failed = json.non2xx + json.errors + json.timeouts;
  if (failed > 0) {
    throw new Error(`${failed} of the requests to ${options.url} failed or were not 2xx`);
  }
}

async function autocannon(
  options: Pick<LoadTestOptions, 'url' | 'headers' | 'connections'>,
  limit: string[],
): Promise<AutocannonJson> {
  const headers = Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = [AUTOCANNON, '-j', '-c', String(options.connections), ...limit, ...headers, options.url];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    throw new Error(`autocannon failed (${String(code)}): ${stderr}`);
  }
  return JSON.parse(stdout) as AutocannonJson;
}
