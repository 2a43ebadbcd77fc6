import express, { ErrorRequestHandler, Handler } from 'express';
import { AddressInfo } from 'node:net';
import { DefaultHttpRouter } from './DefaultHttpRouter';

async function serve(router: DefaultHttpRouter) {
  const app = express();
  app.use('/api/p', router.handler());
  app.use((req, res) => void res.status(404).send(`no route for ${req.url}`));
  const rootErrors: ErrorRequestHandler = (error: Error, _req, res, _next) =>
    void res.status(500).send(`root: ${error.message}`);
  app.use(rootErrors);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path: string) => {
      const response = await fetch(base + path);
      return `${response.status} ${await response.text()}`;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('DefaultHttpRouter', () => {
  it('runs handlers in the order added, including those added after mounting', async () => {
    const router = DefaultHttpRouter.create();
    const http = await serve(router);
    router.use((req, _res, next) => {
      req.headers['x-seen'] = 'first';
      next();
    });
    const routes = express.Router();
    routes.get('/hello', (req, res) => void res.send(`hello after ${String(req.headers['x-seen'])}`));
    routes.get('/boom', () => {
      throw new Error('boom');
    });
    router.use(routes);
    expect(await http.get('/api/p/hello')).toBe('200 hello after first');
    expect(await http.get('/api/p/nope')).toBe('404 no route for /api/p/nope');
    // Without an error handler of the plugin's, errors reach the root's.
    expect(await http.get('/api/p/boom')).toBe('500 root: boom');
    await http.close();
  });

  it("gives errors to the plugin's error-handling middleware once it has one", async () => {
    const router = DefaultHttpRouter.create();
    const routes = express.Router();
    routes.get('/boom', () => {
      throw new Error('boom');
    });
    routes.get('/fine', (_req, res) => void res.send('fine'));
    router.use(routes);
    const pluginErrors: ErrorRequestHandler = (error: Error, _req, res, _next) =>
      void res.status(418).send(`plugin: ${error.message}`);
    // The type says Handler, as Backstage's; JavaScript plugins pass error handlers all the same.
    router.use(pluginErrors as unknown as Handler);
    const http = await serve(router);
    expect(await http.get('/api/p/boom')).toBe('418 plugin: boom');
    expect(await http.get('/api/p/fine')).toBe('200 fine');
    expect(await http.get('/api/p/nope')).toBe('404 no route for /api/p/nope');
    await http.close();
  });
});
