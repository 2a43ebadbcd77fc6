const REDACTED = '[REDACTED]';
const SENSITIVE_KEYS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|secret|token|access_token|refresh_token)$/i;
const MIN_SECRET_LENGTH = 4;
// Tokens minted at runtime are not known values: hide whatever has the shape of one. Runs of
// token characters are cut first so that the check stays linear on hostile input.
const TOKEN_RUN = /[A-Za-z0-9_.-]{16,}/g;
const BEARER_CREDENTIALS = /\b(Bearer\s+)[^\s"',;]+/gi;

/**
 * Removes secrets from log data: every known secret value wherever it appears in a string, and
 * the values of keys that always hold credentials (`authorization`, `cookie`, ...).
 */
export class Redactor {
  #pattern?: RegExp;
  readonly #values = new Set<string>();

  add(values: Iterable<string>): void {
    for (const value of values) {
      if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) {
        this.#values.add(value);
      }
    }
    const escaped = [...this.#values]
      .sort((a, b) => b.length - a.length)
      .map(v => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.#pattern = escaped.length > 0 ? new RegExp(escaped.join('|'), 'g') : undefined;
  }

  redactString(value: string): string {
    const known = this.#pattern ? value.replace(this.#pattern, REDACTED) : value;
    return known.replace(BEARER_CREDENTIALS, `$1${REDACTED}`).replace(TOKEN_RUN, hideJwt);
  }

  /** The redacted value of one field: credentials keys are hidden whole. */
  redactField(key: string, value: unknown): unknown {
    return SENSITIVE_KEYS.test(key) && value !== undefined ? REDACTED : this.redact(value);
  }

  /** Returns a redacted copy; leaves the input untouched. */
  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') {
      return this.redactString(value);
    }
    if (depth > 6 || typeof value !== 'object' || value === null) {
      return value;
    }
    if (Array.isArray(value)) {
      return value.map(v => this.redact(v, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SENSITIVE_KEYS.test(key) && v !== undefined ? REDACTED : this.redact(v, depth + 1);
    }
    return out;
  }
}

/** A run of token characters with a JWT in it loses everything from the JWT on. */
function hideJwt(run: string): string {
  const start = run.indexOf('eyJ');
  if (start < 0) {
    return run;
  }
  const parts = run.slice(start).split('.');
  return parts.length >= 3 && parts[0].length >= 8 && parts[1].length >= 2 ? `${run.slice(0, start)}${REDACTED}` : run;
}
