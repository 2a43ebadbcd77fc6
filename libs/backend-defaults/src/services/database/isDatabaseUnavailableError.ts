const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EPIPE',
]);
// PostgreSQL: connection exceptions (08), shutdown/unavailable (57P01-57P03), too many connections
// (53300), a statement cancelled by statement_timeout or pg_cancel_backend (57014), lock_timeout (55P03).
const PG_CODES = /^(08...|57P0[123]|53300|57014|55P03)$/;

/**
 * Whether an error means the database cannot serve the request right now (unreachable, no free
 * connection, or a statement past its timeout or blocked by a lock), as opposed to a bad query,
 * so the request should get a 503 and may succeed later.
 *
 * @public
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (NETWORK_CODES.has(code) || PG_CODES.test(code) || /^SQLITE_(BUSY|LOCKED)/.test(code)) {
      return true;
    }
    if (
      e.name === 'KnexTimeoutError' ||
      /Connection terminated|timeout exceeded when trying to connect|not currently accepting connections|the database system is (starting up|shutting down)|terminating connection due to administrator command/i.test(
        String(e.message),
      )
    ) {
      return true;
    }
  }
  return false;
}
