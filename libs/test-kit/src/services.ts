import { spawnSync } from 'node:child_process';

/** Where the tests' PostgreSQL is: 127.0.0.1:5432 as user postgres unless TRELLIS_TEST_PG_* say otherwise. */
export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** The PostgreSQL the tests use. */
export const postgresConnection: PostgresConnection = {
  host: process.env.TRELLIS_TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.TRELLIS_TEST_PG_PORT ?? 5432),
  user: process.env.TRELLIS_TEST_PG_USER ?? 'postgres',
  password: process.env.TRELLIS_TEST_PG_PASSWORD,
};

let postgresReachable: boolean | undefined;

/** Whether PostgreSQL accepts TCP connections; checked once per process, synchronously so `it.each` can use it. */
export function isPostgresReachable(): boolean {
  if (postgresReachable === undefined) {
    const { host, port } = postgresConnection;
    const probe = `const s=require('net').connect(${port},${JSON.stringify(host)});s.setTimeout(1500,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
    postgresReachable = spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
  }
  return postgresReachable;
}

/**
 * Whether the PostgreSQL tests of `suite` can run. Without a server they are skipped with a
 * visible message, except under `CI=true`, where a missing server is a failure.
 */
export function requirePostgres(suite: string): boolean {
  if (isPostgresReachable()) {
    return true;
  }
  const { host, port } = postgresConnection;
  return missing(`PostgreSQL at ${host}:${port}`, suite);
}

/**
 * Whether a command the tests of `suite` start (such as `redis-server`) is installed; skipped
 * with a message when it is not, a failure under `CI=true`.
 */
export function requireCommand(command: string, suite: string): boolean {
  const run = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return run.status === 0 || missing(`the command ${command}`, suite);
}

function missing(what: string, suite: string): false {
  if (process.env.CI === 'true') {
    throw new Error(`${what} is required when CI=true (for ${suite}), but it is not there`);
  }
  console.warn(`Skipping ${suite}: ${what} is not there`);
  return false;
}

/** The shared Redis the tests use (never flushed: use key prefixes of your own). */
export const redisUrl = process.env.TRELLIS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let redisReachable: boolean | undefined;

/**
 * Whether the shared Redis accepts connections for the tests of `suite`: skipped with a message
 * when it does not, a failure under `CI=true`.
 */
export function requireRedis(suite: string): boolean {
  if (redisReachable === undefined) {
    const { hostname, port } = new URL(redisUrl);
    const probe = `const s=require('net').connect(${Number(port || 6379)},${JSON.stringify(hostname)});s.setTimeout(1500,()=>process.exit(1));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
    redisReachable = spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
  }
  return redisReachable || missing(`Redis at ${redisUrl}`, suite);
}
