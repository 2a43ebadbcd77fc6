import { spawnSync } from 'node:child_process';

const PSQL = ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c'];

/** Why PostgreSQL cannot be used here, or undefined when it can (127.0.0.1:5432, user postgres). */
export function postgresUnavailable(): string | undefined {
  const check = spawnSync('psql', [...PSQL, 'select 1'], { encoding: 'utf8', timeout: 5000 });
  if (check.error) {
    return `psql is not installed (${check.error.message})`;
  }
  return check.status === 0 ? undefined : `PostgreSQL at 127.0.0.1:5432 is not reachable: ${check.stderr.trim()}`;
}

let created = 0;

/** Creates an empty database for one run and returns its name. */
export function createBenchDatabase(): string {
  const name = `trellis_bench_${process.pid}_${Date.now()}_${++created}`;
  psql(`create database ${name}`);
  return name;
}

/** Drops a database made by {@link createBenchDatabase}. */
export function dropBenchDatabase(name: string): void {
  psql(`drop database if exists ${name} with (force)`);
}

/**
 * Gathers the planner's statistics of every table in the database, as autovacuum does within a
 * minute of a bulk write where it is on (the default; it is off on this machine's PostgreSQL).
 */
export function analyzeBenchDatabase(name: string): void {
  psql('analyze', name);
}

function psql(sql: string, database?: string): void {
  const args = [...(database ? ['-d', database] : []), ...PSQL, sql];
  const run = spawnSync('psql', args, { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) {
    throw new Error(`psql failed: ${sql}: ${run.stderr}`);
  }
}
