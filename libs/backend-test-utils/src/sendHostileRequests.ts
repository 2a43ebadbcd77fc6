import { HostileCase, HostileRoute, hostileCasesFor, POLLUTION_MARKER } from './hostileRequestCases';
import { rawHttpRequest, RawHttpResponse } from '@trellis/test-kit';

/** Options of {@link sendHostileRequests}. @public */
export interface SendHostileRequestsOptions {
  /** `http://127.0.0.1:<port>`, as `startTestBackend` gives it. */
  baseUrl: string;
  routes: HostileRoute[];
  /** Headers sent with every request, such as `authorization` to reach the handlers. */
  headers?: Record<string, string>;
  /** The backend's body limit; oversized bodies are twice as large. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Time limit of one request; a request still open then counts as a hang. Default 10 s. */
  timeoutMs?: number;
  /** Time limit of the whole run. Default 120 s. */
  totalTimeoutMs?: number;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
}

/** The answer to one hostile request. @public */
export interface HostileRequestResult extends RawHttpResponse {
  route: string;
  name: string;
  headOnly: boolean;
}

/**
 * Sends a few dozen malformed requests at each route: odd methods, path traversal, invalid
 * UTF-8, malformed and oversized JSON, wrong content types, oversized headers and bodies,
 * broken framing and bad credentials, over raw sockets so nothing is cleaned up on the way.
 * Check the results with {@link findUnexpectedAnswers}.
 *
 * @public
 */
export async function sendHostileRequests(options: SendHostileRequestsOptions): Promise<HostileRequestResult[]> {
  const extra = Object.entries(options.headers ?? {}) as Array<[string, string]>;
  const cases = options.routes.flatMap((route) =>
    hostileCasesFor(route, extra, options.bodyLimitBytes ?? 1024 * 1024).map((hostile) => ({ route, hostile })),
  );
  const [slow, quick] = await Promise.all([
    Promise.all(cases.filter((c) => c.hostile.slow).map((c) => send(options, c))),
    sendInBatches(
      options,
      cases.filter((c) => !c.hostile.slow),
    ),
  ]);
  return [...quick, ...slow];
}

type Planned = { route: HostileRoute; hostile: HostileCase };

async function sendInBatches(options: SendHostileRequestsOptions, cases: Planned[]): Promise<HostileRequestResult[]> {
  const totalTimeoutMs = options.totalTimeoutMs ?? 120_000;
  const deadline = Date.now() + totalTimeoutMs;
  const concurrency = options.concurrency ?? 8;
  const results: HostileRequestResult[] = [];
  for (let i = 0; i < cases.length; i += concurrency) {
    if (Date.now() > deadline) {
      throw new Error(`Hostile requests took longer than ${totalTimeoutMs}ms; ${cases.length - i} were not sent`);
    }
    results.push(...(await Promise.all(cases.slice(i, i + concurrency).map((c) => send(options, c)))));
  }
  return results;
}

async function send(options: SendHostileRequestsOptions, { route, hostile }: Planned): Promise<HostileRequestResult> {
  const url = new URL(options.baseUrl);
  const response = await rawHttpRequest({
    host: url.hostname,
    port: Number(url.port),
    data: hostile.data,
    tail: hostile.tail,
    timeoutMs: options.timeoutMs ?? 10_000,
    headOnly: hostile.headOnly,
  });
  return {
    ...response,
    route: `${route.method} ${route.path}`,
    name: hostile.name,
    headOnly: Boolean(hostile.headOnly),
  };
}

/**
 * The results that are not a client error in the standard shape: a hang, a closed connection,
 * a status outside 400–499, or a body that is not `{ error: { name, message }, response: {
 * statusCode } }`. An empty list means every request was refused properly.
 *
 * @public
 */
export function findUnexpectedAnswers(results: HostileRequestResult[]): string[] {
  return [
    ...findPrototypePollution(),
    ...results.flatMap((result) => {
      const problem = problemOf(result);
      return problem ? [`${result.route} — ${result.name}: ${problem}`] : [];
    }),
  ];
}

const PROTOTYPES: Array<[string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
];
const ORIGINAL_KEYS = new Map(PROTOTYPES.map(([name, proto]) => [name, new Set(Reflect.ownKeys(proto))]));

/**
 * Properties the built-in prototypes gained since this module loaded: the requests run against a
 * backend in this process, so a request that polluted a prototype shows here.
 */
function findPrototypePollution(): string[] {
  const problems = PROTOTYPES.flatMap(([name, proto]) =>
    Reflect.ownKeys(proto)
      .filter((key) => !ORIGINAL_KEYS.get(name)!.has(key))
      .map((key) => `${name} gained the property '${String(key)}' (prototype pollution)`),
  );
  if (problems.length === 0 && POLLUTION_MARKER in {}) {
    problems.push(`objects inherit '${POLLUTION_MARKER}' (prototype pollution)`);
  }
  return problems;
}

function problemOf(result: HostileRequestResult): string | undefined {
  if (result.timedOut) {
    return 'no answer before the time limit (hang)';
  }
  if (result.noAnswer || result.status === undefined) {
    return 'connection closed without an answer';
  }
  if (result.status < 400 || result.status > 499) {
    return `status ${result.status}: ${result.body.slice(0, 200)}`;
  }
  return result.headOnly ? undefined : shapeProblem(result);
}

function shapeProblem(result: HostileRequestResult): string | undefined {
  let body: { error?: { name?: unknown; message?: unknown }; response?: { statusCode?: unknown } };
  try {
    body = JSON.parse(result.body);
  } catch {
    return `status ${result.status} with a body that is not JSON: ${result.body.slice(0, 200)}`;
  }
  const ok =
    typeof body?.error?.name === 'string' &&
    typeof body.error.message === 'string' &&
    body.response?.statusCode === result.status;
  return ok ? undefined : `status ${result.status} with a body not in the standard shape: ${result.body.slice(0, 200)}`;
}
