/** The part of a better-sqlite3 statement the cache uses. */
export interface CacheableStatement {
  /** Whether the statement returns rows (only those have the raw, pluck and expand modes). */
  readonly reader: boolean;
  /** True while an iterator of the statement is open: it cannot run again until that ends. */
  readonly busy: boolean;
  safeIntegers(toggle?: boolean): this;
  raw(toggle?: boolean): this;
  pluck(toggle?: boolean): this;
  expand(toggle?: boolean): this;
}

/** The part of a better-sqlite3 connection the cache wraps. */
export interface PreparingConnection<S extends CacheableStatement = CacheableStatement> {
  prepare(sql: string): S;
}

/** Statements kept per connection by default: far more than the distinct queries of a plugin. */
export const DEFAULT_STATEMENT_CACHE_SIZE = 200;

/** Statements that change the schema: never cached, and preparing one empties the cache. */
const SCHEMA_CHANGE = /^\s*(create|drop|alter|attach|detach|vacuum|reindex|analyze)\b/i;

interface Entry<S> {
  statement: S;
  /** A mode (safe integers, raw, pluck, expand) was set on it since it was prepared or reset. */
  modesChanged: boolean;
}

/**
 * Makes `connection.prepare(sql)` hand out one prepared statement per SQL text instead of
 * compiling the SQL again for every query. knex's better-sqlite3 client prepares every query it
 * runs, and compiling a short SELECT costs about as much as running it; the cache skips that.
 *
 * Behaviour stays that of a fresh statement:
 * - a reused statement has the connection's default modes: a mode a previous query set (knex sets
 *   `safeIntegers` from a query's options) is reset first;
 * - a statement that is busy (an open iterator) is not handed out again: the caller gets a fresh
 *   one, which is not cached;
 * - SQLite itself compiles a statement again when the schema changed (from this connection or
 *   another), so a cached statement never runs against an old schema; on top of that, preparing a
 *   schema change on this connection (CREATE, DROP, ALTER... as migrations do) empties the cache,
 *   so statements of dropped tables are not kept;
 * - the cache holds at most `maxSize` statements, the least recently used leaving first (knex
 *   names savepoints uniquely, so their SQL never repeats).
 *
 * Returns a function that empties the cache.
 */
export function cacheStatements<S extends CacheableStatement>(
  connection: PreparingConnection<S>,
  options: { maxSize?: number; defaultSafeIntegers?: boolean } = {},
): () => void {
  const maxSize = options.maxSize ?? DEFAULT_STATEMENT_CACHE_SIZE;
  const defaultSafeIntegers = options.defaultSafeIntegers ?? false;
  const prepareFresh = connection.prepare.bind(connection);
  const entries = new Map<string, Entry<S>>();

  const track = (statement: S): Entry<S> => {
    const entry: Entry<S> = { statement, modesChanged: false };
    for (const mode of ['safeIntegers', 'raw', 'pluck', 'expand'] as const) {
      const set = statement[mode] as (...args: unknown[]) => S;
      Object.defineProperty(statement, mode, {
        configurable: true,
        writable: true,
        value: (...args: unknown[]) => {
          entry.modesChanged = true;
          return set.apply(statement, args);
        },
      });
    }
    return entry;
  };

  const reset = (entry: Entry<S>): void => {
    const statement = entry.statement;
    // The original methods, not the tracking wrappers: this is no change of a query's.
    const proto = Object.getPrototypeOf(statement) as CacheableStatement;
    if (statement.reader) {
      proto.raw.call(statement, false);
      proto.pluck.call(statement, false);
      proto.expand.call(statement, false);
    }
    proto.safeIntegers.call(statement, defaultSafeIntegers);
    entry.modesChanged = false;
  };

  connection.prepare = (sql: string): S => {
    const entry = entries.get(sql);
    if (entry !== undefined) {
      if (entry.statement.busy) {
        return prepareFresh(sql);
      }
      if (entry.modesChanged) {
        try {
          reset(entry);
        } catch {
          // The connection cannot take it now (busy with an iterator): a fresh statement says why.
          entries.delete(sql);
          return prepareFresh(sql);
        }
      }
      // Most recently used last: Map keeps insertion order.
      entries.delete(sql);
      entries.set(sql, entry);
      return entry.statement;
    }
    if (SCHEMA_CHANGE.test(sql)) {
      entries.clear();
      return prepareFresh(sql);
    }
    const statement = prepareFresh(sql);
    if (maxSize > 0) {
      if (entries.size >= maxSize) {
        entries.delete(entries.keys().next().value!);
      }
      entries.set(sql, track(statement));
    }
    return statement;
  };
  return () => entries.clear();
}
