import express from 'express';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DefaultRootHttpRouter } from './DefaultRootHttpRouter';

async function serve(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path: string) => (await fetch(base + path)).text(),
    /** A request whose target is in absolute form (`GET http://host/path`), as proxies send. */
    getAbsolute: (path: string) =>
      new Promise<string>((resolve, reject) => {
        const request = http.get({ host: '127.0.0.1', port: new URL(base).port, path: base + path }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(body));
        });
        request.on('error', reject);
      }),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('DefaultRootHttpRouter', () => {
  it('calls a mounted router with the prefix in baseUrl and the rest in url, restored after', async () => {
    const dispatcher = DefaultRootHttpRouter.create();
    const todo = express.Router();
    todo.get(
      '/todos',
      (req, res) => void res.send(`todos base=${req.baseUrl} url=${req.url} q=${String(req.query.x)}`),
    );
    todo.get('/', (req, res) => void res.send(`root base=${req.baseUrl} url=${req.url}`));
    dispatcher.use('/api/todo', todo);
    dispatcher.use('/deep/a/b', (req, res) => void res.send(`deep ${req.baseUrl} ${req.url}`));
    // As with express's router.use: 'router' (or 'route') from a mounted handler passes the request on.
    dispatcher.use('/skip', (_req, _res, next) => next('router'));
    const app = express();
    app.use(dispatcher.handler());
    app.use((req, res) => void res.status(404).send(`fallthrough base=${req.baseUrl} url=${req.url}`));
    const http = await serve(app);
    expect(await http.get('/api/todo/todos?x=1')).toBe('todos base=/api/todo url=/todos?x=1 q=1');
    expect(await http.get('/API/Todo/todos')).toBe('todos base=/API/Todo url=/todos q=undefined');
    expect(await http.get('/api/todo')).toBe('root base=/api/todo url=/');
    expect(await http.get('/api/todo?x=2')).toBe('root base=/api/todo url=/?x=2');
    expect(await http.get('/deep/a/b/c')).toBe('deep /deep/a/b /c');
    // A path the mounted router does not answer falls through with url and baseUrl restored.
    expect(await http.get('/api/todo/nope?y=1')).toBe('fallthrough base= url=/api/todo/nope?y=1');
    expect(await http.get('/api/todos')).toBe('fallthrough base= url=/api/todos');
    expect(await http.get('/api')).toBe('fallthrough base= url=/api');
    expect(await http.get('/deep/a')).toBe('fallthrough base= url=/deep/a');
    expect(await http.get('/deep/a/bc')).toBe('fallthrough base= url=/deep/a/bc');
    expect(await http.get('/skip/x')).toBe('fallthrough base= url=/skip/x');
    // An absolute-form target is routed by its path, and keeps its scheme and host in req.url.
    const origin = (await http.getAbsolute('/api/todo/todos?x=3')).match(/url=(http:\/\/[^/]+)/)?.[1];
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await http.getAbsolute('/api/todo/todos?x=3')).toBe(`todos base=/api/todo url=${origin}/todos?x=3 q=3`);
    expect(await http.getAbsolute('/nowhere')).toBe(`fallthrough base= url=${origin}/nowhere`);
    await http.close();
  });

  it('passes errors of mounted handlers, thrown or rejected, to the error handler', async () => {
    const dispatcher = DefaultRootHttpRouter.create();
    dispatcher.use('/sync', () => {
      throw new Error('sync boom');
    });
    dispatcher.use('/async', async () => {
      throw new Error('async boom');
    });
    const app = express();
    app.use(dispatcher.handler());
    app.use(
      (error: Error, req: express.Request, res: express.Response, _next: express.NextFunction) =>
        void res.status(500).send(`${error.message} at ${req.url}`),
    );
    const http = await serve(app);
    expect(await http.get('/sync/x')).toBe('sync boom at /sync/x');
    expect(await http.get('/async/y')).toBe('async boom at /async/y');
    await http.close();
  });

  it('refuses overlapping and malformed mount paths', () => {
    const dispatcher = DefaultRootHttpRouter.create();
    dispatcher.use('/api/todo', (_req, _res, next) => next());
    expect(() => dispatcher.use('/api/todo', (_req, _res, next) => next())).toThrow(
      "overlaps the already mounted path '/api/todo'",
    );
    expect(() => dispatcher.use('/API/TODO/x', (_req, _res, next) => next())).toThrow('overlaps');
    expect(() => dispatcher.use('/api', (_req, _res, next) => next())).toThrow('overlaps');
    expect(() => dispatcher.use('api/x', (_req, _res, next) => next())).toThrow("start with '/'");
    expect(() => dispatcher.use('/files/:name', (_req, _res, next) => next())).toThrow('must be literal');
  });
});
