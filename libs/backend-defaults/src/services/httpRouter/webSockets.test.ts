import net from 'node:net';
import {
  coreServices,
  createBackendPlugin,
  Credentials,
  HttpRouterServiceWebSocketContext,
} from '@trellis/backend-plugin-api';
import { rawHttpRequest } from '@trellis/test-kit';
import type { IncomingMessage } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { startUserTokenIssuer } from '../../testing/userTokens';

const TOKEN = 'websocket-test-token-0123456789abcdef';
const MAX_PAYLOAD = 1024;
const DEADLINE_MS = 5_000;

/**
 * A plugin with WebSocket handlers: `/echo` (credentials needed) echoes messages prefixed with
 * the caller, `/feed` is open to the user cookie, `/public` is open to all and says who called,
 * `/boom` fails before the handshake.
 */
const livePlugin = createBackendPlugin({
  pluginId: 'live',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const server = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
        const accept = ({ request, socket, head, credentials }: HttpRouterServiceWebSocketContext) => {
          const { principal } = credentials as Credentials<{ type: string; subject?: string; userEntityRef?: string }>;
          const who = principal.subject ?? principal.userEntityRef ?? principal.type;
          server.handleUpgrade(request, socket, head, (ws) => {
            // ws reports bad frames (too large, malformed) here and closes the connection itself;
            // an 'error' event without a listener would end the process.
            ws.on('error', () => undefined);
            ws.send(`hello ${who}`);
            ws.on('message', (data) => ws.send(`${who}: ${String(data)}`));
          });
        };
        httpRouter.addWebSocketHandler({ path: '/echo', handler: accept });
        httpRouter.addWebSocketHandler({ path: '/feed', handler: accept });
        httpRouter.addWebSocketHandler({ path: '/public', authPolicy: 'unauthenticated', handler: accept });
        httpRouter.addWebSocketHandler({
          path: '/boom',
          handler: () => {
            throw new Error('the handler failed');
          },
        });
        httpRouter.addAuthPolicy({ path: '/feed', allow: 'user-cookie' });
      },
    });
  },
});

type Outcome =
  | { kind: 'open'; ws: WebSocket; first: string }
  | { kind: 'refused'; status: number; headers: IncomingMessage['headers']; body: any };

/** Opens a WebSocket and waits for its first message, or for the HTTP answer that refused it. */
function connect(url: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`No answer from ${url} within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve({ kind: 'open', ws, first: String(data) });
    });
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString();
        resolve({ kind: 'refused', status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : {} });
      });
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The next message, or the close code and reason, whichever comes first, within the deadline. */
function next(ws: WebSocket): Promise<{ message?: string; close?: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Nothing arrived within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve({ message: String(data) });
    });
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve({ close: code });
    });
  });
}

async function expectOpen(outcome: Promise<Outcome>): Promise<{ ws: WebSocket; first: string }> {
  const result = await outcome;
  if (result.kind !== 'open') {
    throw new Error(`Expected the upgrade to succeed, got ${result.status} ${JSON.stringify(result.body)}`);
  }
  return result;
}

async function expectRefused(outcome: Promise<Outcome>) {
  const result = await outcome;
  if (result.kind !== 'refused') {
    result.ws.terminate();
    throw new Error(`Expected the upgrade to be refused, but it opened: ${result.first}`);
  }
  return result;
}

describe('WebSocket handlers', () => {
  let backend: StartedBackend;
  let issuer: Awaited<ReturnType<typeof startUserTokenIssuer>>;
  let ws: string;
  const opened: WebSocket[] = [];

  beforeAll(async () => {
    issuer = await startUserTokenIssuer();
    backend = await startBackend({
      features: [livePlugin],
      config: {
        backend: {
          auth: { externalAccess: [issuer.accessEntry, { type: 'static', options: { token: TOKEN, subject: 'ops' } }] },
          cors: { origin: ['https://app.example.com'] },
        },
      },
    });
    ws = `${backend.baseUrl.replace('http', 'ws')}/api/live`;
  });

  afterEach(() => {
    opened.splice(0).forEach((socket) => socket.terminate());
  });

  afterAll(async () => {
    await backend?.stop();
    await issuer?.stop();
  });

  async function open(url: string, headers: Record<string, string> = {}) {
    const result = await expectOpen(connect(url, headers));
    opened.push(result.ws);
    return result;
  }

  async function userCookie(): Promise<string> {
    const response = await fetch(`${backend.baseUrl}/api/live/.backstage/auth/v1/cookie`, {
      headers: { authorization: `Bearer ${await issuer.mint('alice')}` },
    });
    expect(response.status).toBe(200);
    return response.headers.getSetCookie()[0].split(';')[0];
  }

  it('opens for a caller with a token and passes the credentials to the handler', async () => {
    const { ws: socket, first } = await open(`${ws}/echo`, { authorization: `Bearer ${TOKEN}` });
    expect(first).toBe('hello ops');
    socket.send('ping');
    expect(await next(socket)).toEqual({ message: 'ops: ping' });
  });

  it('answers an upgrade without credentials with 401 before any handshake', async () => {
    const refused = await expectRefused(connect(`${ws}/echo`));
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect(refused.headers.upgrade).toBeUndefined();
    expect(refused.body).toEqual({
      error: { name: 'AuthenticationError', message: 'Missing credentials' },
      request: { method: 'GET', url: '/api/live/echo' },
      response: { statusCode: 401 },
    });
    expect((await expectRefused(connect(`${ws}/echo`, { authorization: 'Bearer nonsense' }))).status).toBe(401);
  });

  it('lets the user cookie through on a user-cookie path, from an allowed origin', async () => {
    const cookie = await userCookie();
    const same = await open(`${ws}/feed`, { cookie, origin: backend.baseUrl });
    expect(same.first).toBe('hello user:default/alice');
    const listed = await open(`${ws}/feed`, { cookie, origin: 'https://app.example.com' });
    expect(listed.first).toBe('hello user:default/alice');
  });

  it('refuses the user cookie from another origin, without an origin, or where the policy does not allow it', async () => {
    const cookie = await userCookie();
    const foreign = await expectRefused(connect(`${ws}/feed`, { cookie, origin: 'https://evil.example.net' }));
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/not from 'https:\/\/evil.example.net'/);
    expect((await expectRefused(connect(`${ws}/feed`, { cookie }))).status).toBe(403);
    expect((await expectRefused(connect(`${ws}/echo`, { cookie, origin: backend.baseUrl }))).status).toBe(401);
  });

  it('refuses a forged cookie', async () => {
    const cookie = await userCookie();
    const value = cookie.split('=')[1];
    const [header, payload] = value.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const stretched = Buffer.from(JSON.stringify({ ...claims, sub: 'user:default/admin' })).toString('base64url');
    const forged = `trellis-auth=${header}.${stretched}.${value.split('.')[2]}`;
    const refused = await expectRefused(connect(`${ws}/feed`, { cookie: forged, origin: backend.baseUrl }));
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/signature/);
  });

  it('opens an unauthenticated handler for anyone', async () => {
    expect((await open(`${ws}/public`)).first).toBe('hello none');
    expect((await open(`${ws}/public`, { authorization: `Bearer ${TOKEN}` })).first).toBe('hello ops');
  });

  it('answers 404 for a path without a handler and closes the connection', async () => {
    const inPlugin = await expectRefused(connect(`${ws}/nope`, { authorization: `Bearer ${TOKEN}` }));
    expect(inPlugin.status).toBe(404);
    expect(inPlugin.body.error).toEqual({ name: 'NotFoundError', message: 'No WebSocket handler at /api/live/nope' });
    expect(inPlugin.headers.connection).toBe('close');
    expect((await expectRefused(connect(`${backend.baseUrl.replace('http', 'ws')}/elsewhere`))).status).toBe(404);
    expect((await expectRefused(connect(`${ws}/ECHO`, { authorization: `Bearer ${TOKEN}` }))).status).toBe(404);
  });

  it('refuses upgrades to other protocols and malformed paths on the socket, and keeps serving', async () => {
    const port = Number(new URL(backend.baseUrl).port);
    const h2c = await rawHttpRequest({
      port,
      data: 'GET /api/live/echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n',
    });
    expect(h2c.status).toBe(400);
    expect(JSON.parse(h2c.body).error.name).toBe('InputError');
    const dots = await rawHttpRequest({
      port,
      data: 'GET /api/live/%2e%2e/echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    });
    expect(dots.status).toBe(400);
    const noHost = await rawHttpRequest({
      port,
      data: 'GET /api/live/public HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    });
    expect(noHost.status).toBe(400);
    expect((await fetch(`${backend.baseUrl}/.trellis/health/v1/liveness`)).status).toBe(200);
  });

  it('closes a connection that sends a frame over the limit, and keeps serving', async () => {
    const { ws: socket } = await open(`${ws}/echo`, { authorization: `Bearer ${TOKEN}` });
    socket.send('x'.repeat(MAX_PAYLOAD * 4));
    expect(await next(socket)).toEqual({ close: 1009 });
    const again = await open(`${ws}/echo`, { authorization: `Bearer ${TOKEN}` });
    again.ws.send('still here');
    expect(await next(again.ws)).toEqual({ message: 'ops: still here' });
  });

  it('answers 500 when a handler fails before the handshake, and keeps serving', async () => {
    const failed = await expectRefused(connect(`${ws}/boom`, { authorization: `Bearer ${TOKEN}` }));
    expect(failed.status).toBe(500);
    expect(failed.body.error).toEqual({ name: 'Error', message: 'Internal server error' });
    expect((await open(`${ws}/public`)).first).toBe('hello none');
  });
});

describe('WebSockets and the HTTP timeouts', () => {
  it('keeps a socket open past the request timeout, which is for HTTP requests only', async () => {
    const backend = await startBackend({
      features: [livePlugin],
      config: {
        backend: {
          http: { requestTimeoutMs: 1000, headersTimeoutMs: 500 },
          auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] },
        },
      },
    });
    try {
      const url = `${backend.baseUrl.replace('http', 'ws')}/api/live/echo`;
      const { ws: socket } = await expectOpen(connect(url, { authorization: `Bearer ${TOKEN}` }));
      // An HTTP request that never sends its body, opened after the socket: once the server has
      // cut it for the request timeout, a socket it still counted as an HTTP request, older than
      // that request, would have been cut too.
      const { port } = new URL(backend.baseUrl);
      const stalled = net.connect(Number(port), '127.0.0.1');
      stalled.write('POST /api/live/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\n');
      stalled.resume();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The stalled HTTP request was not cut within 20 s')), 20_000);
        stalled.once('close', () => (clearTimeout(timer), resolve()));
      });
      socket.send('later');
      expect(await next(socket)).toEqual({ message: 'ops: later' });
      socket.terminate();
    } finally {
      await backend.stop();
    }
  });
});

describe('WebSockets and shutdown', () => {
  it('closes open sockets when the backend stops, so it stops promptly', async () => {
    const backend = await startBackend({
      features: [livePlugin],
      config: {
        backend: { auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] } },
      },
    });
    const url = `${backend.baseUrl.replace('http', 'ws')}/api/live/echo`;
    const { ws: socket } = await expectOpen(connect(url, { authorization: `Bearer ${TOKEN}` }));
    const closed = next(socket);
    const started = Date.now();
    await backend.stop();
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect((await closed).close).toBe(1006);
  });
});

describe('WebSocket handler registration', () => {
  function pluginWith(paths: string[]) {
    return createBackendPlugin({
      pluginId: 'bad',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            for (const path of paths) {
              httpRouter.addWebSocketHandler({ path, handler: ({ socket }) => void socket.destroy() });
            }
          },
        });
      },
    });
  }

  it.each(['ws', '/a/../b', '/a?b', '/items/:id', '/a//b', '/*'])(
    'refuses the path %p at plugin start',
    async (path) => {
      await expect(startBackend({ features: [pluginWith([path])] })).rejects.toThrow(
        /WebSocket handler paths are exact/,
      );
    },
  );

  it('refuses a second handler for one path', async () => {
    await expect(startBackend({ features: [pluginWith(['/x', '/x'])] })).rejects.toThrow(
      "WebSocket path '/api/bad/x' already has a handler",
    );
  });
});
