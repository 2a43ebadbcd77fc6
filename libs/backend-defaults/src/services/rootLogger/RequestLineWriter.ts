import { LogMeta } from '@trellis/backend-plugin-api';
import { LineWriter } from './LineWriter';
import { Redactor } from './redaction';

/** What one request line says. @internal */
export interface RequestLine {
  level: 'info' | 'debug';
  method: string;
  /** The URL as it may be logged (see logSafeUrl); known secrets are still redacted here. */
  url: string;
  status: number;
  durationMs: number;
  requestId?: string;
  clientRequestId?: string;
}

type Field =
  'clientRequestId' | 'durationMs' | 'level' | 'message' | 'method' | 'requestId' | 'status' | 'timestamp' | 'url';
const FIELDS: readonly Field[] = [
  'clientRequestId',
  'durationMs',
  'level',
  'message',
  'method',
  'requestId',
  'status',
  'timestamp',
  'url',
];
// The server's own request ids; anything else set as x-request-id is redacted like other text.
const OWN_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Most requests repeat a few URLs; remembering their redacted form skips the redaction patterns.
const URL_CACHE_SIZE = 256;

/**
 * Writes the line of a finished request straight to the logger's {@link LineWriter}, past
 * winston's format pipeline: the same JSON line winston's `json` format would write (keys
 * sorted, undefined fields left out, secrets redacted, an ISO timestamp), built with string
 * concatenation. Only the fields that come from the request are redacted per line; the
 * logger's own fields are redacted and serialised once.
 *
 * @internal
 */
export class RequestLineWriter {
  readonly #writer: LineWriter;
  readonly #redactor: Redactor;
  /** Each key in output order: a logger field already serialised, or a request field. */
  readonly #order: ReadonlyArray<{ field: Field; json?: undefined } | { json: string }>;
  readonly #methods = new Map<string, string>();
  #timestampMs = -1;
  #timestampJson = '';
  /** Logged URL to its redacted JSON string; emptied when full, so distinct URLs cannot grow it. */
  readonly #urls = new Map<string, string>();
  #urlsVersion = -1;

  private constructor(writer: LineWriter, redactor: Redactor, meta: LogMeta) {
    this.#writer = writer;
    this.#redactor = redactor;
    const fixed = Object.entries(meta).filter(([key, value]) => value !== undefined && !FIELDS.includes(key as Field));
    const keys = [...fixed.map(([key]) => key), ...FIELDS].sort();
    const fixedJson = new Map(
      fixed.map(([key, value]) => [key, `${JSON.stringify(key)}:${JSON.stringify(redactor.redactField(key, value))}`]),
    );
    this.#order = keys.map((key) => (fixedJson.has(key) ? { json: fixedJson.get(key)! } : { field: key as Field }));
  }

  static create(options: { writer: LineWriter; redactor: Redactor; meta: LogMeta }): RequestLineWriter {
    return new RequestLineWriter(options.writer, options.redactor, options.meta);
  }

  write(line: RequestLine): void {
    const urlJson = this.#redactedUrlJson(line.url);
    const method = this.#methodJson(line.method);
    const status = String(line.status);
    let text = '{';
    for (const entry of this.#order) {
      let part: string | undefined;
      if (entry.json !== undefined) {
        part = entry.json;
      } else {
        const value = this.#value(entry.field, line, method, status, urlJson);
        part = value === undefined ? undefined : `"${entry.field}":${value}`;
      }
      if (part !== undefined) {
        text += text.length === 1 ? part : `,${part}`;
      }
    }
    this.#writer.write(`${text}}`);
  }

  /** A request field as JSON, or undefined to leave it out. */
  #value(field: Field, line: RequestLine, method: string, status: string, urlJson: string): string | undefined {
    switch (field) {
      case 'clientRequestId':
        return line.clientRequestId === undefined
          ? undefined
          : JSON.stringify(this.#redactor.redactString(line.clientRequestId));
      case 'durationMs':
        return String(line.durationMs);
      case 'level':
        return line.level === 'info' ? '"info"' : '"debug"';
      case 'message':
        // JSON escapes character by character, so the escaped parts can be joined: the method is
        // an HTTP token and the status a number, neither needs escaping.
        return `${method.slice(0, -1)} ${urlJson.slice(1, -1)} ${status}"`;
      case 'method':
        return method;
      case 'requestId':
        return line.requestId === undefined ? undefined : JSON.stringify(this.#ownOrRedacted(line.requestId));
      case 'status':
        return status;
      case 'timestamp':
        return this.#timestamp();
      case 'url':
        return urlJson;
    }
  }

  /** The method as JSON; Node's parser gives only HTTP tokens, but a stray one is escaped anyway. */
  #methodJson(method: string): string {
    let json = this.#methods.get(method);
    if (json === undefined) {
      json = JSON.stringify(method);
      if (this.#methods.size < 64) {
        this.#methods.set(method, json);
      }
    }
    return json;
  }

  /** The current time as a JSON ISO string, formatted once per millisecond. */
  #timestamp(): string {
    const now = Date.now();
    if (now !== this.#timestampMs) {
      this.#timestampMs = now;
      this.#timestampJson = `"${new Date(now).toISOString()}"`;
    }
    return this.#timestampJson;
  }

  /** The logged URL redacted, as a JSON string. */
  #redactedUrlJson(logged: string): string {
    if (this.#urlsVersion !== this.#redactor.version) {
      this.#urls.clear();
      this.#urlsVersion = this.#redactor.version;
    }
    let known = this.#urls.get(logged);
    if (known === undefined) {
      known = JSON.stringify(this.#redactor.redactString(logged));
      if (this.#urls.size >= URL_CACHE_SIZE) {
        this.#urls.clear();
      }
      this.#urls.set(logged, known);
    }
    return known;
  }

  #ownOrRedacted(requestId: string): string {
    return OWN_REQUEST_ID.test(requestId) ? requestId : this.#redactor.redactString(requestId);
  }
}
