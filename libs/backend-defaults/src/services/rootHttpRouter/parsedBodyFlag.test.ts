import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express, { NextFunction, Request, Response } from 'express';
import { startBackend, StartedBackend } from '../../testing/startBackend';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';

/**
 * What a JSON parser of Express 4 (body-parser 1, which published Backstage plugins bring in their
 * own routers) does: skip a request whose `_body` flag says it was read, otherwise read the stream.
 * Reading a stream the backend already drained fails, as body-parser 1 does with "stream is not
 * readable".
 */
function express4JsonParser(req: Request, _res: Response, next: NextFunction) {
  if ((req as { _body?: boolean })._body) {
    next();
    return;
  }
  if (!req.readable) {
    next(Object.assign(new Error('stream is not readable'), { status: 400 }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    req.body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    next();
  });
}

const plugin = createBackendPlugin({
  pluginId: 'legacy',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = express.Router();
        router.use(express4JsonParser);
        router.post('/echo', (req, res) => {
          res.json({ got: req.body });
        });
        httpRouter.use(router);
      },
    });
  },
});

describe('a JSON body the backend has read', () => {
  let backend: StartedBackend;

  beforeAll(async () => {
    backend = await startBackend({
      features: [plugin],
      config: {
        backend: { auth: { externalAccess: [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }] } },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it("is marked read, so a plugin's own Express 4 JSON parser passes it on instead of failing", async () => {
    const response = await fetch(`${backend.baseUrl}/api/legacy/echo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ got: { a: 1 } });
  });
});
