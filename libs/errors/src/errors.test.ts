import {
  AuthenticationError,
  ConflictError,
  deserializeError,
  errorFromResponse,
  errorToStatusCode,
  ForwardedError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
  ResponseError,
  serializeError,
  ServiceUnavailableError,
  TrellisError,
} from '.';

describe('errors', () => {
  it.each([
    [new NotModifiedError('x'), 304],
    [new InputError('x'), 400],
    [new AuthenticationError('x'), 401],
    [new NotAllowedError('x'), 403],
    [new NotFoundError('x'), 404],
    [new ConflictError('x'), 409],
    [new ServiceUnavailableError('x'), 503],
    [new ForwardedError('wrapped', new NotFoundError('inner')), 404],
    [Object.assign(new Error('too big'), { status: 413 }), 413],
    [Object.assign(new Error('odd'), { statusCode: 302 }), 500],
    [new Error('plain'), 500],
    ['not an error', 500],
  ])('maps %p to %p', (error, status) => {
    expect(errorToStatusCode(error)).toBe(status);
  });

  it('keeps the cause and names it in the message', () => {
    const cause = new TypeError('socket closed');
    const error = new ServiceUnavailableError('database unavailable', cause);
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('database unavailable; caused by TypeError: socket closed');
    expect(error.name).toBe('ServiceUnavailableError');
  });

  it('round-trips through JSON, with stacks only when asked', () => {
    const error = new ConflictError('stale version');
    expect(serializeError(error)).toEqual({ name: 'ConflictError', message: 'stale version' });
    expect(serializeError(error, { includeStack: true }).stack).toContain('ConflictError');
    const back = deserializeError(serializeError(error));
    expect(back).toBeInstanceOf(ConflictError);
    expect(errorToStatusCode(back)).toBe(409);
    const unknown = deserializeError({ name: 'WeirdError', message: 'm' });
    expect(unknown.name).toBe('WeirdError');
  });

  it('gives framework errors a code', () => {
    const error = new TrellisError('TRELLIS_ERR_CONFIG_MISSING', "Missing required config value at 'a'");
    expect(error.message).toBe("Missing required config value at 'a' [TRELLIS_ERR_CONFIG_MISSING]");
    expect(TrellisError.is(error, 'TRELLIS_ERR_CONFIG_MISSING')).toBe(true);
    expect(TrellisError.is(new Error('x'))).toBe(false);
  });

  it('reads error responses of other services', async () => {
    const body = { error: { name: 'NotFoundError', message: 'no entity' }, response: { statusCode: 404 } };
    const json = await ResponseError.fromResponse(
      new Response(JSON.stringify(body), { status: 404, statusText: 'Not Found' }),
    );
    expect(json.name).toBe('NotFoundError');
    expect(json.statusCode).toBe(404);
    expect(errorToStatusCode(json)).toBe(404);
    const text = await ResponseError.fromResponse(
      new Response('upstream exploded', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(text.message).toBe('Request failed with 502 Bad Gateway: upstream exploded');
    const empty = await ResponseError.fromResponse(
      new Response(null, { status: 503, statusText: 'Service Unavailable' }),
    );
    expect(empty.name).toBe('ServiceUnavailableError');
  });

  it('rebuilds the class the other service threw, keeping the response as the cause', async () => {
    const body = { error: { name: 'InputError', message: "'limit' must be a number" }, response: { statusCode: 400 } };
    const typed = await errorFromResponse(
      new Response(JSON.stringify(body), { status: 400, statusText: 'Bad Request' }),
    );
    expect(typed).toBeInstanceOf(InputError);
    expect(typed.message).toBe("Request failed with 400 Bad Request: 'limit' must be a number");
    expect(errorToStatusCode(typed)).toBe(400);
    expect(typed.cause).toBeInstanceOf(ResponseError);
    expect((typed.cause as ResponseError).statusCode).toBe(400);
    const unknown = await errorFromResponse(new Response('teapot', { status: 418, statusText: "I'm a teapot" }));
    expect(unknown).toBeInstanceOf(ResponseError);
    expect(await errorFromResponse(new Response(null, { status: 404, statusText: 'Not Found' }))).toBeInstanceOf(
      NotFoundError,
    );
  });
});
