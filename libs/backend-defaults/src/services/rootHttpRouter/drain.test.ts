import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express from 'express';
import http from 'node:http';
import net from 'node:net';
import { startBackend } from '../../testing/startBackend';

/** A plugin whose `GET /wait` answers only when the test releases it. */
function createSlowPlugin() {
  let entered!: () => void;
  let release!: () => void;
  const started = new Promise<void>((resolve) => (entered = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const plugin = createBackendPlugin({
    pluginId: 'slow',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          const router = express.Router();
          router.get('/wait', async (_req, res) => {
            entered();
            await released;
            res.json({ done: true });
          });
          router.get('/quick', (_req, res) => {
            res.json({ quick: true });
          });
          httpRouter.use(router);
          httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
        },
      });
    },
  });
  return { plugin, started, release };
}

interface Answer {
  response: http.IncomingMessage;
  body: string;
  socket: net.Socket;
}

function get(agent: http.Agent, port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ response, body, socket }));
    });
    request.on('socket', (s) => (socket = s));
    request.on('error', reject);
  });
}

/** Resolves once nothing accepts connections on the port; fails loudly after the deadline. */
async function waitUntilRefused(port: number, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`The server still accepted connections ${deadlineMs}ms after the backend began to stop`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function closedWithin(socket: net.Socket, ms: number, what: string): Promise<void> {
  if (socket.destroyed) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} was still open after ${ms}ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('shutdown drain', () => {
  it('answers requests in flight with Connection: close and closes idle keep-alive connections', async () => {
    const slow = createSlowPlugin();
    const backend = await startBackend({ features: [slow.plugin] });
    const port = Number(new URL(backend.baseUrl).port);
    const busyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const warmUp = await get(busyAgent, port, '/api/slow/quick');
      expect(warmUp.response.headers.connection).toBe('keep-alive');
      const idle = await get(idleAgent, port, '/api/slow/quick');
      expect(idle.response.headers.connection).toBe('keep-alive');
      const idleSocket = idle.socket;

      const inFlight = get(busyAgent, port, '/api/slow/wait');
      await slow.started;
      const stopping = backend.stop();
      await waitUntilRefused(port);
      await closedWithin(idleSocket, 5000, 'The idle keep-alive connection');

      slow.release();
      const { response, body, socket } = await inFlight;
      expect(JSON.parse(body)).toEqual({ done: true });
      expect(response.headers.connection).toBe('close');
      await closedWithin(socket, 5000, 'The connection of the drained request');
      await stopping;
    } finally {
      slow.release();
      busyAgent.destroy();
      idleAgent.destroy();
    }
  });
});
