import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import express from 'express';
import { startBackend } from '../../testing/startBackend';
import { weakETag } from './weakETag';

// express's own generator of weak ETags, which weakETag replaces.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { wetag } = require('express/lib/utils') as { wetag: (body: unknown, encoding?: string) => string };

describe('weakETag', () => {
  it.each<[string, string | Buffer, BufferEncoding | undefined]>([
    ['an empty string', '', undefined],
    ['an empty buffer', Buffer.alloc(0), undefined],
    ['JSON', JSON.stringify({ items: [{ id: 1, title: 'todo' }] }), 'utf8'],
    ['text without an encoding', 'hello', undefined],
    ['non-ASCII text', 'grüße, 世界 🌱', 'utf8'],
    ['a lone surrogate', 'a\ud800b', 'utf8'],
    ['latin1 text', 'caf\u00e9', 'latin1'],
    ['a buffer', Buffer.from([0, 1, 2, 255]), undefined],
    ['a large body', 'x'.repeat(100_000), 'utf8'],
  ])('gives %s the ETag express gives it', (_name, body, encoding) => {
    expect(weakETag(body, encoding)).toBe(wetag(body, encoding));
  });

  it('is the ETag of plugin responses', async () => {
    const plugin = createBackendPlugin({
      pluginId: 'tagged',
      register(env) {
        env.registerInit({
          deps: { httpRouter: coreServices.httpRouter },
          async init({ httpRouter }) {
            const router = express.Router();
            router.get('/body', (_req, res) => {
              res.json({ hello: 'wörld' });
            });
            httpRouter.use(router);
            httpRouter.addAuthPolicy({ path: '/body', allow: 'unauthenticated' });
          },
        });
      },
    });
    const backend = await startBackend({ features: [plugin] });
    try {
      const url = `${backend.baseUrl}/api/tagged/body`;
      const response = await fetch(url);
      expect(response.headers.get('etag')).toBe(wetag(JSON.stringify({ hello: 'wörld' }), 'utf8'));
    } finally {
      await backend.stop();
    }
  });
});
