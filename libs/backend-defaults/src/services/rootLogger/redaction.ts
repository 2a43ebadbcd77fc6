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
 *
 * Known secrets are found with `indexOf`, in the string as it is and, when it has percent
 * escapes (or `+` where a secret has a space), in its decoded form, whose matches are mapped back
 * to the spans of the original. One regular expression of every encoded form was the earlier
 * design: V8 compiled it on first use, 14 ms per configured secret at every start, and ran it
 * interpreted at about 45 µs per line until it tiered up.
 */
export class Redactor {
  /** Every form of every secret, longest first. */
  #forms: string[] = [];
  /** Whether a secret has a space, so that `+` (form encoding) may stand for one. */
  #spaced = false;
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
    this.#forms = [...new Set([...this.#values].flatMap(encodedForms))].sort((a, b) => b.length - a.length);
    this.#spaced = [...this.#values].some((value) => value.includes(' '));
  }

  redactString(value: string): string {
    const known = this.#forms.length > 0 ? this.#redactKnown(value) : value;
    return known.replace(BEARER_CREDENTIALS, `$1${REDACTED}`).replace(TOKEN_RUN, hideJwt);
  }

  /** The string with every known secret, as it is or encoded, replaced. */
  #redactKnown(value: string): string {
    const spans: Span[] = [];
    findForms(value, undefined, this.#forms, spans);
    if (value.includes('%')) {
      const decoded = percentDecoded(value, false);
      if (decoded) {
        findForms(decoded.text, decoded.starts, this.#forms, spans);
      }
    }
    if (this.#spaced && value.includes('+')) {
      const decoded = percentDecoded(value, true);
      if (decoded) {
        findForms(decoded.text, decoded.starts, this.#forms, spans);
      }
    }
    return spans.length === 0 ? value : withSpansRedacted(value, spans);
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

/** A part of the original string to redact: [start, end). */
type Span = [number, number];

/**
 * Adds the span of every occurrence of every form in `text`. `starts` maps a decoded text back:
 * `starts[i]` is where its character `i` began in the original, `starts[text.length]` the end.
 */
function findForms(text: string, starts: readonly number[] | undefined, forms: readonly string[], spans: Span[]): void {
  for (const form of forms) {
    for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + form.length)) {
      spans.push(starts ? [starts[at], starts[at + form.length]] : [at, at + form.length]);
    }
  }
}

/** The string with each span, overlapping spans merged, replaced by the redaction marker. */
function withSpansRedacted(value: string, spans: Span[]): string {
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let copied = 0;
  let open: Span | undefined;
  for (const span of spans) {
    if (open && span[0] < open[1]) {
      open[1] = Math.max(open[1], span[1]);
      continue;
    }
    if (open) {
      out += `${value.slice(copied, open[0])}${REDACTED}`;
      copied = open[1];
    }
    open = [span[0], span[1]];
  }
  out += `${value.slice(copied, open![0])}${REDACTED}`;
  return out + value.slice(open![1]);
}

/**
 * The string with its percent escapes decoded (and `+` read as a space when `plusIsSpace`), and
 * where each decoded character began in the original; undefined when nothing decodes. An escape
 * that does not start a valid UTF-8 character stays as it is.
 */
function percentDecoded(value: string, plusIsSpace: boolean): { text: string; starts: number[] } | undefined {
  let text = '';
  const starts: number[] = [];
  let changed = false;
  let i = 0;
  while (i < value.length) {
    const char = value[i];
    if (char === '+' && plusIsSpace) {
      text += ' ';
      starts.push(i);
      changed = true;
      i++;
      continue;
    }
    const decoded = char === '%' ? decodeCharacter(value, i) : undefined;
    if (decoded) {
      for (let unit = 0; unit < decoded.text.length; unit++) {
        starts.push(i);
      }
      text += decoded.text;
      changed = true;
      i += decoded.length;
      continue;
    }
    text += char;
    starts.push(i);
    i++;
  }
  starts.push(value.length);
  return changed ? { text, starts } : undefined;
}

/** The character whose UTF-8 bytes are percent-encoded at `at`, and how many characters encode it. */
function decodeCharacter(value: string, at: number): { text: string; length: number } | undefined {
  const first = hexByte(value, at);
  if (first < 0) {
    return undefined;
  }
  const size =
    first < 0x80
      ? 1
      : first >= 0xc2 && first < 0xe0
        ? 2
        : first >= 0xe0 && first < 0xf0
          ? 3
          : first >= 0xf0 && first < 0xf5
            ? 4
            : 0;
  if (size === 0) {
    return undefined;
  }
  const bytes = Buffer.allocUnsafe(size);
  bytes[0] = first;
  for (let n = 1; n < size; n++) {
    const byte = hexByte(value, at + 3 * n);
    if (byte < 0x80 || byte >= 0xc0) {
      return undefined;
    }
    bytes[n] = byte;
  }
  const text = bytes.toString('utf8');
  // Overlong forms and surrogates decode to U+FFFD: not a character a secret can hold.
  return text.includes('\ufffd') ? undefined : { text, length: 3 * size };
}

/** The byte of the escape `%XX` at `at` (either hex case), or -1. */
function hexByte(value: string, at: number): number {
  if (at + 2 >= value.length || value.charCodeAt(at) !== 0x25) {
    return -1;
  }
  return parseHex(value, at);
}

function parseHex(value: string, at: number): number {
  const high = hexDigit(value.charCodeAt(at + 1));
  const low = hexDigit(value.charCodeAt(at + 2));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
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
