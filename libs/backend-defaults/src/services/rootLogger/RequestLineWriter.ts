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
  readonly #order: ReadonlyArray<{ field: Field } | { json: string }>;
  /** Logged URL to its redacted JSON string; emptied when full, so distinct URLs cannot grow it. */
  readonly #urls = new Map<string, { url: string; json: string }>();
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
    const { url, json: urlJson } = this.#redactedUrl(line.url);
    const values: Record<Field, string | undefined> = {
      clientRequestId:
        line.clientRequestId === undefined
          ? undefined
          : JSON.stringify(this.#redactor.redactString(line.clientRequestId)),
      durationMs: String(line.durationMs),
      level: line.level === 'info' ? '"info"' : '"debug"',
      message: JSON.stringify(`${line.method} ${url} ${line.status}`),
      method: JSON.stringify(line.method),
      requestId: line.requestId === undefined ? undefined : JSON.stringify(this.#ownOrRedacted(line.requestId)),
      status: String(line.status),
      timestamp: `"${new Date().toISOString()}"`,
      url: urlJson,
    };
    let text = '{';
    for (const entry of this.#order) {
      const part = 'json' in entry ? entry.json : this.#field(entry.field, values[entry.field]);
      if (part !== undefined) {
        text += text.length === 1 ? part : `,${part}`;
      }
    }
    this.#writer.write(`${text}}`);
  }

  #redactedUrl(logged: string): { url: string; json: string } {
    if (this.#urlsVersion !== this.#redactor.version) {
      this.#urls.clear();
      this.#urlsVersion = this.#redactor.version;
    }
    let known = this.#urls.get(logged);
    if (!known) {
      const url = this.#redactor.redactString(logged);
      known = { url, json: JSON.stringify(url) };
      if (this.#urls.size >= URL_CACHE_SIZE) {
        this.#urls.clear();
      }
      this.#urls.set(logged, known);
    }
    return known;
  }

  #field(field: Field, json: string | undefined): string | undefined {
    return json === undefined ? undefined : `"${field}":${json}`;
  }

  #ownOrRedacted(requestId: string): string {
    return OWN_REQUEST_ID.test(requestId) ? requestId : this.#redactor.redactString(requestId);
  }
}
