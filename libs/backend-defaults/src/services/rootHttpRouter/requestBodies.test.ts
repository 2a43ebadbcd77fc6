import net from 'node:net';
import zlib from 'node:zlib';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { createProbePlugin } from '../../testing/testPlugins';
import { readJson } from '../../testing/readJson';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const auth = { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] };
const authorization = `Bearer ${TOKEN}`;

interface Exchange {
  status?: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes `head` (and nothing else) and waits for the server to answer and close the connection;
 * fails loudly when it has not within the deadline. The client never sends the rest of the body.
 */
function sendAndWaitForClose(port: number, head: string | Buffer, deadlineMs = 5000): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      reject(
        new Error(
          `The server had not closed the connection after ${deadlineMs}ms; it sent: ${text.slice(0, 300) || 'nothing'}`,
        ),
      );
    }, deadlineMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString('latin1')));
    });
    socket.write(head);
  });
}

function parse(text: string): Exchange {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) {
    return { headers: {}, body: '' };
  }
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) };
}

describe('request bodies', () => {
  let backend: StartedBackend;
  let port: number;

  beforeAll(async () => {
    backend = await startBackend({
      features: [createProbePlugin('alpha')],
      config: { backend: { auth, http: { bodyLimit: '1kb' } } },
    });
    port = Number(new URL(backend.baseUrl).port);
  });

  afterAll(async () => {
    await backend?.stop();
  });

  describe('over the limit', () => {
    it.each([
      [
        'a JSON body',
        `POST /api/alpha/echo HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n`,
      ],
      [
        'a body of another type, without credentials',
        'PUT /api/alpha/whoami HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 200000000\r\n\r\n',
      ],
      ['a body sent to an unknown path', 'POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n'],
    ])(
      'refuses %s by its Content-Length with 413 before the body is sent, and closes the connection',
      async (_name, head) => {
        const answer = await sendAndWaitForClose(port, head);
        expect(answer.status).toBe(413);
        expect(answer.headers.connection).toBe('close');
        expect(JSON.parse(answer.body).error).toEqual({
          name: 'PayloadTooLargeError',
          message: 'Request body is larger than the limit of 1024 bytes',
        });
      },
    );

    it('stops reading a chunked body at the limit, answers 413 and closes the connection', async () => {
      const chunk = `{"a":"${'x'.repeat(2000)}`;
      const head =
        `POST /api/alpha/echo HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
      const answer = await sendAndWaitForClose(port, head);
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body).error.name).toBe('PayloadTooLargeError');
    });

    it('still takes a body within the limit on a kept-alive connection', async () => {
      const response = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ a: 'x'.repeat(900) }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('connection')).toBe('keep-alive');
    });
  });

  describe('compressed bodies', () => {
    async function postGzip(body: Buffer) {
      const response = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body,
      });
      return {
        status: response.status,
        body: await readJson(response),
        connection: response.headers.get('connection'),
      };
    }

    it('takes a gzip body within the limit', async () => {
      expect(await postGzip(zlib.gzipSync('{"a":1}'))).toMatchObject({ status: 200, body: { body: { a: 1 } } });
    });

    it('stops inflating at the limit and answers 413', async () => {
      const bomb = zlib.gzipSync(`{"a":"${'x'.repeat(5_000_000)}"}`);
      expect(bomb.length).toBeLessThan(1024 * 10);
      const answer = await postGzip(bomb);
      expect(answer.status).toBe(413);
      expect(answer.body.error.name).toBe('PayloadTooLargeError');
    });

    it('answers 400 for a body that is not gzip', async () => {
      const answer = await postGzip(Buffer.from('{"a":1}'));
      expect(answer.status).toBe(400);
      expect(answer.body.error.name).toBe('InputError');
    });
  });

  describe('charsets', () => {
    const json = '{"a":1}';
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]);
    const utf16be = Buffer.from(utf16le).swap16();
    const utf32le = Buffer.concat([
      Buffer.from([0xff, 0xfe, 0, 0]),
      ...[...json].map((c) => Buffer.from([c.charCodeAt(0), 0, 0, 0])),
    ]);
    const utf32be = Buffer.concat([
      Buffer.from([0, 0, 0xfe, 0xff]),
      ...[...json].map((c) => Buffer.from([0, 0, 0, c.charCodeAt(0)])),
    ]);

    async function post(body: Buffer | string, contentType: string) {
      const response = await fetch(`${backend.baseUrl}/api/alpha/echo`, {
        method: 'POST',
        headers: { authorization, 'content-type': contentType },
        body,
      });
      return { status: response.status, body: await readJson(response) };
    }

    it.each([
      ['charset=utf-7', '{"a":+ADE-}', 'application/json; charset=utf-7'],
      ['charset=utf-16', utf16le, 'application/json; charset=utf-16'],
      ['charset="UTF-16LE"', Buffer.from(json, 'utf16le'), 'application/json; charset="UTF-16LE"'],
      ['charset=utf-32', utf32le, 'application/vnd.api+json; charset=utf-32'],
      ['a UTF-16LE byte order mark', utf16le, 'application/json'],
      ['a UTF-16BE byte order mark', utf16be, 'application/json'],
      ['a UTF-32LE byte order mark', utf32le, 'application/json'],
      ['a UTF-32BE byte order mark', utf32be, 'application/json; charset=utf-8'],
      ['UTF-16 without a byte order mark', Buffer.from(json, 'utf16le'), 'application/json'],
    ])('answers 415 for a JSON body with %s', async (_name, body, contentType) => {
      const answer = await post(body, contentType);
      expect(answer.status).toBe(415);
      expect(answer.body.error).toEqual({
        name: 'UnsupportedMediaTypeError',
        message: expect.stringMatching(/^JSON request bodies must be UTF-8/),
      });
    });

    it('answers 400 for bytes that are not UTF-8', async () => {
      const answer = await post(
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
        'application/json',
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.name).toBe('InputError');
    });

    it.each([
      ['no charset', 'application/json'],
      ['charset=utf-8', 'application/json; charset=utf-8'],
      ['charset="UTF-8"', 'application/json; charset="UTF-8"'],
    ])('takes a UTF-8 body with %s', async (_name, contentType) => {
      expect(await post('{"a":"é"}', contentType)).toEqual({ status: 200, body: { body: { a: 'é' } } });
    });
  });
});
