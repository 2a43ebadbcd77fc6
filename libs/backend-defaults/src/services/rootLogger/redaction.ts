const REDACTED = '[REDACTED]';
const SENSITIVE_KEYS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|password|secret|token|access_token|refresh_token)$/i;
const MIN_SECRET_LENGTH = 4;
// Shorter base64 fragments would match ordinary text.
const MIN_ENCODED_FRAGMENT = 8;
// Tokens minted at runtime are not known values: hide whatever has the shape of one. Runs of
// token characters are cut first so that the check stays linear on hostile input.
const TOKEN_RUN = /[A-Za-z0-9_.-]{16,}/g;
const BEARER_CREDENTIALS = /\b(Bearer\s+)[^\s"',;]+/gi;

/**
 * Removes secrets from log data: every known secret value wherever it appears in a string, and
 * the values of keys that always hold credentials (`authorization`, `cookie`, ...). A secret is
 * also found percent-encoded (any of its characters, either hex case, `+` for a space) and
 * base64- or base64url-encoded at any byte offset (as in `Basic` credentials or a token
 * wrapped in another).
 */
export class Redactor {
  #pattern?: RegExp;
  #version = 0;
  readonly #values = new Set<string>();

  /** Grows with every {@link Redactor.add}, so that a cache of redacted strings knows when it is stale. */
  get version(): number {
    return this.#version;
  }

  add(values: Iterable<string>): void {
    this.#version++;
    for (const value of values) {
      if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) {
        this.#values.add(value);
      }
    }
    const forms = [...new Set([...this.#values].flatMap(encodedForms))].sort((a, b) => b.length - a.length);
    this.#pattern = forms.length > 0 ? new RegExp(forms.map(percentTolerant).join('|'), 'g') : undefined;
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
      return value.map((v) => this.redact(v, depth + 1));
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

/** The secret and its base64 and base64url fragments that do not depend on neighbouring bytes. */
function encodedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Only characters whose six bits all come from the secret are the same wherever it sits.
    const fragment = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    if (fragment.length >= MIN_ENCODED_FRAGMENT) {
      forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return forms;
}

/** A pattern matching `text` with any of its characters percent-encoded, in either hex case. */
function percentTolerant(text: string): string {
  return [...text]
    .map((char) => {
      const literal = char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      const encoded = [...Buffer.from(char, 'utf8')].map((byte) => `%${hexEitherCase(byte)}`).join('');
      return char === ' ' ? `(?: |\\+|${encoded})` : `(?:${literal}|${encoded})`;
    })
    .join('');
}

function hexEitherCase(byte: number): string {
  return byte
    .toString(16)
    .padStart(2, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}
