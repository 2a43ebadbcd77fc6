import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { inTurn } from './middleware';

/** Runs `handler` once and resolves with what it passed to the outer next, and what ran. */
function run(handler: RequestHandler, ran: string[]): Promise<unknown> {
  return new Promise((resolve) => {
    const next: NextFunction = (error?: unknown) => {
      ran.push('outer');
      resolve(error);
    };
    void handler({} as Request, {} as Response, next);
  });
}

describe('inTurn', () => {
  const mark =
    (ran: string[], name: string, error?: unknown): RequestHandler =>
    (_req, _res, next) => {
      ran.push(name);
      next(error);
    };

  it('runs the handlers in order, then the outer next', async () => {
    const ran: string[] = [];
    await expect(run(inTurn([mark(ran, 'a'), mark(ran, 'b'), mark(ran, 'c')]), ran)).resolves.toBeUndefined();
    expect(ran).toEqual(['a', 'b', 'c', 'outer']);
  });

  it('stops at the first error, passed on whether given to next, thrown or rejected', async () => {
    const given: string[] = [];
    const error = new Error('given');
    await expect(run(inTurn([mark(given, 'a', error), mark(given, 'b')]), given)).resolves.toBe(error);
    expect(given).toEqual(['a', 'outer']);

    const thrown: string[] = [];
    const throwing: RequestHandler = () => {
      throw new Error('thrown');
    };
    await expect(run(inTurn([throwing, mark(thrown, 'b')]), thrown)).resolves.toHaveProperty('message', 'thrown');
    expect(thrown).toEqual(['outer']);

    const rejected: string[] = [];
    const rejecting: RequestHandler = async () => {
      throw new Error('rejected');
    };
    await expect(run(inTurn([rejecting, mark(rejected, 'b')]), rejected)).resolves.toHaveProperty(
      'message',
      'rejected',
    );
    expect(rejected).toEqual(['outer']);
  });

  it("passes the request on after next('route') and next('router'), as express does", async () => {
    const ran: string[] = [];
    await expect(
      run(inTurn([mark(ran, 'a', 'route'), mark(ran, 'b', 'router'), mark(ran, 'c')]), ran),
    ).resolves.toBeUndefined();
    expect(ran).toEqual(['a', 'b', 'c', 'outer']);
  });
});
