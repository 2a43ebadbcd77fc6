const UNIQUE_VIOLATION_MESSAGES = [
  /SQLITE_CONSTRAINT(?:_UNIQUE)?: UNIQUE/,
  /UNIQUE constraint failed:/,
  /unique constraint/i,
  /Duplicate entry/,
];

/**
 * Whether an error thrown by a database driver is a unique-constraint violation: PostgreSQL's
 * SQLSTATE 23505 (checked by code, since PostgreSQL translates its messages), SQLite's
 * `SQLITE_CONSTRAINT_UNIQUE` or `SQLITE_CONSTRAINT_PRIMARYKEY`, or MySQL's duplicate entry.
 *
 * @public
 */
export function isDatabaseConflictError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return true;
  }
  return typeof message === 'string' && UNIQUE_VIOLATION_MESSAGES.some((pattern) => pattern.test(message));
}
