import { ConflictError, InputError, NotFoundError, ServiceUnavailableError } from '@trellis/errors';
import express from 'express';
import { AddressInfo } from 'node:net';
import { WinstonLogger } from '../rootLogger/WinstonLogger';
import { errorHandler } from './errorHandler';
import { requestId, runSteps } from './middleware';
import winston from 'winston';

async function serve(showInternals: boolean, thrown: unknown) {
  const logged: unknown[] = [];
  const logger = WinstonLogger.create({
    transports: [new winston.transports.Console({ silent: true })],
  });
  const spyLogger = {
    info: logger.info.bind(logger),
    warn: logger.warn.bind(logger),
    debug: logger.debug.bind(logger),
    child: logger.child.bind(logger),
    error: (message: string, meta?: unknown) => logged.push({ message, meta }),
  };
  const app = express();
  app.use(runSteps([requestId()]));
  app.use(express.json({ limit: 100 }));
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  app.get('/fail', () => {
    throw thrown;
  });
  app.use(errorHandler({ logger: spyLogger as unknown as WinstonLogger, showInternals }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, logged, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('errorHandler', () => {
  it.each([
    [new InputError('bad field'), 400, 'InputError'],
    [new NotFoundError('no such todo'), 404, 'NotFoundError'],
    [new ConflictError('stale version'), 409, 'ConflictError'],
    [new ServiceUnavailableError('database down'), 503, 'ServiceUnavailableError'],
  ])('answers %p with %p in the standard shape', async (error, status, name) => {
    const app = await serve(false, error);
    const response = await fetch(`${app.url}/fail`);
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({
      error: { name, message: (error as Error).message },
      request: { method: 'GET', url: '/fail' },
      response: { statusCode: status },
    });
    await app.close();
  });

  it("hides internal messages of server errors outside development, with the server's log id", async () => {
    const app = await serve(false, new Error('password authentication failed for user "x"'));
    const response = await fetch(`${app.url}/fail`, { headers: { 'x-request-id': 'req-42' } });
    expect(response.status).toBe(500);
    const logId = response.headers.get('x-request-id');
    expect(logId).not.toBe('req-42');
    const body: any = await response.json();
    expect(body.error).toEqual({ name: 'InternalServerError', message: `Internal server error (log id ${logId})` });
    expect(JSON.stringify(body)).not.toContain('password');
    expect(app.logged).toHaveLength(1);
    expect(app.logged[0]).toMatchObject({ meta: { requestId: logId, clientRequestId: 'req-42' } });
    await app.close();
  });

  it('shows the message and stack of server errors in development', async () => {
    const app = await serve(true, new Error('boom'));
    const body: any = await (await fetch(`${app.url}/fail`)).json();
    expect(body.error.message).toBe('boom');
    expect(body.error.stack).toContain('Error: boom');
    await app.close();
  });

  it('answers malformed JSON with 400 and oversize bodies with 413', async () => {
    const app = await serve(false, undefined);
    const headers = { 'content-type': 'application/json' };
    const malformed = await fetch(`${app.url}/echo`, { method: 'POST', headers, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.name).toBe('InputError');
    const huge = await fetch(`${app.url}/echo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ a: 'x'.repeat(500) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).error.name).toBe('PayloadTooLargeError');
    await app.close();
  });

  it('treats thrown non-errors as server errors', async () => {
    const app = await serve(false, 'a string');
    const response = await fetch(`${app.url}/fail`);
    expect(response.status).toBe(500);
    await app.close();
  });
});
