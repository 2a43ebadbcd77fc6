/** SQLite result codes that mean a value does not fit, not that the database failed. */
const SQLITE_DATA_ERRORS: ReadonlySet<string> = new Set([
  'SQLITE_TOOBIG',
  'SQLITE_MISMATCH',
  'SQLITE_CONSTRAINT_DATATYPE',
]);
/** SQLSTATE class 22, data exception: invalid text, bytes or dates, numbers out of range, strings too long. */
const SQLSTATE_DATA_EXCEPTION = /^22[0-9A-Z]{3}$/;
const MAX_CAUSE_DEPTH = 3;

/**
 * Whether an error (or its cause, a few levels down) is a database's refusal of a value the
 * request brought: PostgreSQL's data exceptions (SQLSTATE class 22, such as 22P02 invalid text
 * representation, 22003 numeric value out of range, 22021 invalid byte sequence, 22001 string too
 * long, 22007/22008 datetime errors) and SQLite's `SQLITE_TOOBIG`, `SQLITE_MISMATCH` and
 * `SQLITE_CONSTRAINT_DATATYPE`. knex passes the driver's error on, so its code and shape are
 * the driver's.
 */
export function isDatabaseDataError(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && typeof current === 'object' && current !== null; depth++) {
    if (isDataError(current as Error & { code?: unknown; severity?: unknown })) {
      return true;
    }
    current = (current as Error).cause;
  }
  return false;
}

function isDataError(error: Error & { code?: unknown; severity?: unknown }): boolean {
  const code = error.code;
  if (typeof code !== 'string') {
    return false;
  }
  if (error.name === 'SqliteError') {
    return SQLITE_DATA_ERRORS.has(code);
  }
  // pg's DatabaseError carries the server's severity; other errors with a 22xxx code are not PostgreSQL's.
  return typeof error.severity === 'string' && SQLSTATE_DATA_EXCEPTION.test(code);
}
