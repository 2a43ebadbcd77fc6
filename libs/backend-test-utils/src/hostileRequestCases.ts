/** A route of a plugin, as the hostile requests address it. @public */
export interface HostileRoute {
  method: string;
  /** The full path, parameters filled in: `/api/todo/todos/1`. */
  path: string;
  /** The route reads a JSON body (POST, PUT, PATCH routes). */
  json?: boolean;
  /** The path is open without credentials (an `unauthenticated` auth policy). */
  open?: boolean;
  /**
   * Query parameters the route reads, each with a valid value. Each is sent alone with hostile
   * values (NUL characters, prototype paths, over-long text; out-of-range numbers where the valid
   * value is a number), and every one of them must be refused.
   */
  query?: Record<string, string>;
  /**
   * A valid JSON body of the route. Each field is sent with hostile values in place of the valid
   * one (NUL in text, out-of-range numbers, prototype-polluting objects), and the body with extra
   * `__proto__` and `constructor` keys; every one of them must be refused.
   */
  body?: Record<string, unknown>;
}

/** One malformed request: raw bytes, and a second part sent after the first (large bodies). */
export interface HostileCase {
  name: string;
  data: Buffer;
  tail?: Buffer;
  headOnly?: boolean;
  /** Waits for the server's timeouts; run beside the others rather than in turn. */
  slow?: boolean;
}

type Header = [string, string];

interface Request {
  method?: string;
  path?: string;
  headers?: Header[];
  body?: Buffer | string;
  /** Leave out the Content-Length header a body would get. */
  rawFraming?: boolean;
  version?: string;
}

/** Builds raw request bytes from parts, with Host, Connection: close and a Content-Length. */
export function buildRequest(route: HostileRoute, extra: Header[], request: Request): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body as string);
  const headers: Header[] = [['Host', '127.0.0.1'], ['Connection', 'close'], ...extra, ...(request.headers ?? [])];
  if (body && !request.rawFraming) {
    headers.push(['Content-Length', String(body.length)]);
  }
  const head = [
    `${request.method ?? route.method} ${request.path ?? route.path} ${request.version ?? 'HTTP/1.1'}`,
    ...headers.map(([k, v]) => `${k}: ${v}`),
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]);
}

const ODD_METHODS = ['PROPFIND', 'MKCOL', 'TRACE', 'PURGE', 'LINK', 'SEARCH', 'COPY', 'FOO', 'G ET', 'GET\x00'];
const JSON_TYPE: Header = ['Content-Type', 'application/json'];

function oddMethods(route: HostileRoute, extra: Header[]): HostileCase[] {
  return ODD_METHODS.filter((m) => m !== route.method).map((method) => ({
    name: `method ${JSON.stringify(method)}`,
    data: buildRequest(route, extra, { method }),
  }));
}

function pathTricks(route: HostileRoute, extra: Header[]): HostileCase[] {
  const p = route.path;
  const paths = [
    `${p}/../../../../etc/passwd`,
    `${p}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`,
    `${p}/..%2f..%2f..%2fetc%2fpasswd`,
    `${p}/%252e%252e/%252e%252e/etc/passwd`,
    `${p}/..\\..\\windows\\win.ini`,
    `${p}/%c0%ae%c0%ae/%c0%ae%c0%ae/`,
    `${p}%00`,
    `${p}/%00.json`,
    `${p}/%ff%fe`,
    `${p}/%e0%80%af`,
    `${p}/%`,
    `${p}/%zz`,
    `${p.replace(/^\/api\//, '/api/./')}`,
    `//${p.slice(1)}/..;/`,
  ];
  const cases = paths.map((path) => ({ name: `path ${path}`, data: buildRequest(route, extra, { path }) }));
  const rawBytes = Buffer.concat([
    Buffer.from(`${route.method} ${p}/`, 'latin1'),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
    Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 'latin1'),
  ]);
  return [...cases, { name: 'path with raw invalid UTF-8 bytes', data: rawBytes }];
}

const BAD_JSON: Array<string | Buffer> = [
  '{',
  '{"title":',
  '[1,2',
  'nul',
  '{"a":1}}',
  "{'a':1}",
  '{"a":1,}',
  '{"a":01}',
  Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x22, 0x61, 0x22, 0x3a]),
  '\u0000',
];

function badBodies(route: HostileRoute, extra: Header[]): HostileCase[] {
  const cases = BAD_JSON.map((body, i) => ({
    name: `malformed JSON #${i}`,
    data: buildRequest(route, extra, { headers: [JSON_TYPE], body }),
  }));
  const framing: Array<[string, Request]> = [
    ['unsupported charset', { headers: [['Content-Type', 'application/json; charset=latin1']], body: '{"a":1}' }],
    ['garbage gzip body', { headers: [JSON_TYPE, ['Content-Encoding', 'gzip']], body: 'not gzip at all' }],
    ['unknown content encoding', { headers: [JSON_TYPE, ['Content-Encoding', 'compress']], body: '{"a":1}' }],
    [
      'content length and chunked at once',
      {
        headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked'], ['Content-Length', '3']],
        body: '3\r\n{}}\r\n0\r\n\r\n',
        rawFraming: true,
      },
    ],
    [
      'invalid chunk size',
      { headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']], body: 'zz\r\n{}\r\n0\r\n\r\n', rawFraming: true },
    ],
    ['non-numeric content length', { headers: [JSON_TYPE, ['Content-Length', '1x']], body: '{}', rawFraming: true }],
    [
      'two content lengths',
      { headers: [JSON_TYPE, ['Content-Length', '2'], ['Content-Length', '3']], body: '{}}', rawFraming: true },
    ],
  ];
  return [...cases, ...framing.map(([name, request]) => ({ name, data: buildRequest(route, extra, request) }))];
}

function wrongContentTypes(route: HostileRoute, extra: Header[]): HostileCase[] {
  if (!route.json) {
    return [];
  }
  const bodies: Array<[string, string]> = [
    ['text/plain', '{"title":"x"}'],
    ['application/x-www-form-urlencoded', 'title=x&status=open'],
    [
      'multipart/form-data; boundary=XyZ',
      '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--XyZ--\r\n',
    ],
    ['application/xml', '<todo><title>x</title></todo>'],
    ['application/octet-stream', '\x00\x01\x02'],
  ];
  const cases = bodies.map(([type, body]) => ({
    name: `content type ${type}`,
    data: buildRequest(route, extra, { headers: [['Content-Type', type]], body }),
  }));
  const valid = [
    'null',
    '[]',
    '"text"',
    '42',
    '{}',
    '{"title":""}',
    `{"title":"${'x'.repeat(5000)}"}`,
    '{"title":{"$gt":""}}',
  ];
  return [
    ...cases,
    ...valid.map((body) => ({
      name: `invalid document ${body.slice(0, 20)}`,
      data: buildRequest(route, extra, { headers: [JSON_TYPE], body }),
    })),
  ];
}

function hugeHeaders(route: HostileRoute, extra: Header[]): HostileCase[] {
  const many: Header[] = Array.from({ length: 3000 }, (_, i) => [`X-H${i}`, 'v'.repeat(8)]);
  return [
    { name: 'one 64 KiB header', data: buildRequest(route, extra, { headers: [['X-Big', 'a'.repeat(65536)]] }) },
    { name: '3000 headers', data: buildRequest(route, extra, { headers: many }) },
    { name: '32 KiB cookie', data: buildRequest(route, extra, { headers: [['Cookie', `s=${'c'.repeat(32768)}`]] }) },
    { name: '32 KiB path', data: buildRequest(route, extra, { path: `${route.path}/${'p'.repeat(32768)}` }) },
  ];
}

function hugeBodies(route: HostileRoute, extra: Header[], limit: number): HostileCase[] {
  const big = Buffer.alloc(limit * 2 + 1024, 0x61);
  const json = Buffer.concat([Buffer.from('{"title":"'), big, Buffer.from('"}')]);
  const chunked = Buffer.concat([Buffer.from(`${json.length.toString(16)}\r\n`), json, Buffer.from('\r\n0\r\n\r\n')]);
  return [
    {
      name: 'body over the limit, declared',
      data: buildRequest(route, extra, {
        headers: [JSON_TYPE, ['Content-Length', String(json.length)]],
        rawFraming: true,
        body: '',
      }),
      tail: json,
    },
    {
      name: 'body over the limit, chunked',
      data: buildRequest(route, extra, {
        headers: [JSON_TYPE, ['Transfer-Encoding', 'chunked']],
        rawFraming: true,
        body: '',
      }),
      tail: chunked,
    },
  ];
}

function malformedFraming(route: HostileRoute, extra: Header[]): HostileCase[] {
  const lines: Array<[string, Buffer]> = [
    ['no Host header', Buffer.from(`${route.method} ${route.path} HTTP/1.1\r\nConnection: close\r\n\r\n`)],
    ['HTTP/9.9', buildRequest(route, extra, { version: 'HTTP/9.9' })],
    ['bare LF line ends', Buffer.from(`${route.method} ${route.path} HTTP/1.1\nHost: x\n\n`)],
    ['space before a header colon', buildRequest(route, extra, { headers: [['X-A ', 'b']] })],
    ['NUL in a header value', buildRequest(route, extra, { headers: [['X-A', 'b\x00c']] })],
    ['CR in a header value', buildRequest(route, extra, { headers: [['X-A', 'b\rc']] })],
    ['header without a name', buildRequest(route, extra, { headers: [['', 'value']] })],
    ['garbage request line', Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 'latin1')],
  ];
  const stalled: HostileCase[] = [
    {
      name: 'headers never finished',
      data: Buffer.from(`${route.method} ${route.path} HTTP/1.1\r\nHost: x\r\n`),
      slow: true,
    },
    {
      name: 'body never finished',
      data: buildRequest(route, extra, {
        headers: [JSON_TYPE, ['Content-Length', '100']],
        body: '{"a":',
        rawFraming: true,
      }),
      slow: true,
    },
  ];
  return [...lines.map(([name, data]) => ({ name, data })), ...stalled];
}

const BAD_TOKENS = [
  'Bearer',
  'Bearer ',
  `Bearer ${'a'.repeat(9000)}`,
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJwbHVnaW46eCJ9.',
  'Bearer a.b.c',
  'Basic dXNlcjpwYXNz',
  'Bearer \x7f\x7f',
  'Bearer mock-user-token:{"sub":',
];

function badCredentials(route: HostileRoute, extra: Header[]): HostileCase[] {
  if (route.open) {
    return [];
  }
  const withoutAuth = extra.filter(([k]) => k.toLowerCase() !== 'authorization');
  return BAD_TOKENS.map((value, i) => ({
    name: `bad credentials #${i}`,
    data: buildRequest(route, withoutAuth, { headers: [['Authorization', value]] }),
  }));
}

/** The property that the prototype-polluting values below try to set on every object. */
export const POLLUTION_MARKER = 'trellisPolluted';

const PROTO_PATHS = [
  '__proto__',
  'constructor',
  'prototype',
  `__proto__.${POLLUTION_MARKER}`,
  `constructor.prototype.${POLLUTION_MARKER}`,
  `metadata.__proto__.${POLLUTION_MARKER}`,
  `__proto__=1`,
  `constructor.prototype=1`,
];
const NUL_TEXTS = (valid: string) => ['\0', `a\0b`, `${valid}\0`, `\0${valid}`];
const BAD_NUMBERS = [2147483647, 2147483648, 4294967296, 9007199254740993, 1e308, -1, 0.5];
const POLLUTERS: unknown[] = [
  JSON.parse(`{"__proto__":{"${POLLUTION_MARKER}":true}}`),
  { constructor: { prototype: { [POLLUTION_MARKER]: true } } },
];

function hostileQueries(route: HostileRoute, extra: Header[]): HostileCase[] {
  return Object.entries(route.query ?? {}).flatMap(([name, valid]) => {
    const values = [
      ...NUL_TEXTS(valid),
      ...PROTO_PATHS,
      'x'.repeat(3000),
      ...(/^\d+$/.test(valid) ? BAD_NUMBERS.map(String).concat(['99999999999999999999999', 'NaN', '0x10']) : []),
    ];
    const separator = route.path.includes('?') ? '&' : '?';
    const cases = values.map((value) => ({
      name: `query ${name}=${JSON.stringify(value).slice(0, 60)}`,
      data: buildRequest(route, extra, { path: `${route.path}${separator}${name}=${encodeURIComponent(value)}` }),
    }));
    const keys = [`${name}[__proto__]`, `${name}[constructor][prototype]`, '__proto__', 'constructor'];
    return [
      ...cases,
      ...keys.map((key) => ({
        name: `query key ${key}`,
        data: buildRequest(route, extra, {
          path: `${route.path}${separator}${encodeURIComponent(key)}=${encodeURIComponent(valid)}`,
        }),
      })),
    ];
  });
}

function hostileBodies(route: HostileRoute, extra: Header[]): HostileCase[] {
  const valid = route.body;
  if (!valid) {
    return [];
  }
  const send = (name: string, body: string): HostileCase => ({
    name,
    data: buildRequest(route, extra, { headers: [JSON_TYPE], body }),
  });
  const perField = Object.entries(valid).flatMap(([field, value]) => {
    const replacements: unknown[] = [
      ...(typeof value === 'string' ? NUL_TEXTS(value) : []),
      ...(typeof value === 'number' ? BAD_NUMBERS : []),
      ...(Array.isArray(value) ? [NUL_TEXTS('x'), [{ [POLLUTION_MARKER]: true }]] : []),
      ...POLLUTERS,
    ];
    return replacements.map((replacement) =>
      send(
        `body ${field}: ${JSON.stringify(replacement).slice(0, 60)}`,
        JSON.stringify({ ...valid, [field]: replacement }),
      ),
    );
  });
  const withKeys = [
    `"__proto__":{"${POLLUTION_MARKER}":true}`,
    `"constructor":{"prototype":{"${POLLUTION_MARKER}":true}}`,
  ].map((key) => send(`body with ${key.slice(0, 40)}`, `{${key},${JSON.stringify(valid).slice(1)}`));
  return [...perField, ...withKeys];
}

/** Every hostile request for one route. */
export function hostileCasesFor(route: HostileRoute, extra: Header[], bodyLimitBytes: number): HostileCase[] {
  return [
    ...oddMethods(route, extra),
    ...pathTricks(route, extra),
    ...badBodies(route, extra),
    ...wrongContentTypes(route, extra),
    ...hugeHeaders(route, extra),
    ...hugeBodies(route, extra, bodyLimitBytes),
    ...malformedFraming(route, extra),
    ...badCredentials(route, extra),
    ...hostileQueries(route, extra),
    ...hostileBodies(route, extra),
  ];
}
