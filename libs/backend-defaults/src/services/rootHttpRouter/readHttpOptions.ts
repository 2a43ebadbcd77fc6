import { Config } from '@trellis/backend-plugin-api';
import type { CorsOptions } from 'cors';
import { CspDirectives, readCsp } from './readCsp';
import { RateLimitOptions, readRateLimit } from './rateLimit/readRateLimit';

/** HTTP settings of the root router, read from `backend.*`. @public */
export interface HttpServerOptions {
  port: number;
  host: string;
  bodyLimit: string | number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  shutdownDelayMs: number;
  drainTimeoutMs: number;
  /** Largest total size of the request line and headers; larger requests get 431. */
  maxHeaderSize: number;
  trustProxy: boolean | number | string;
  cors?: CorsOptions;
  /** Content-Security-Policy directives, merged over helmet's defaults. */
  csp: CspDirectives;
  /** Requests per client and window; undefined when rate limiting is off. */
  rateLimit?: RateLimitOptions;
}

/** Reads the HTTP server settings with their defaults. @public */
export function readHttpOptions(config: Config): HttpServerOptions {
  return {
    port: config.getOptionalNumber('backend.listen.port') ?? 7007,
    host: config.getOptionalString('backend.listen.host') ?? '0.0.0.0',
    bodyLimit: config.getOptional<string | number>('backend.http.bodyLimit') ?? '1mb',
    requestTimeoutMs: config.getOptionalNumber('backend.http.requestTimeoutMs') ?? 60_000,
    headersTimeoutMs: config.getOptionalNumber('backend.http.headersTimeoutMs') ?? 20_000,
    maxHeaderSize: config.getOptionalNumber('backend.http.maxHeaderSize') ?? 16_384,
    keepAliveTimeoutMs: config.getOptionalNumber('backend.http.keepAliveTimeoutMs') ?? 5_000,
    shutdownDelayMs: config.getOptionalNumber('backend.lifecycle.serverShutdownDelayMs') ?? 0,
    drainTimeoutMs: config.getOptionalNumber('backend.lifecycle.drainTimeoutMs') ?? 20_000,
    trustProxy: config.getOptional<boolean | number | string>('backend.http.trustProxy') ?? false,
    cors: readCors(config),
    csp: readCsp(config),
    rateLimit: readRateLimit(config),
  };
}

function readCors(config: Config): CorsOptions | undefined {
  const cors = config.getOptionalConfig('backend.cors');
  if (!cors) {
    return undefined;
  }
  const origin = cors.getOptional<string | string[]>('origin');
  const credentials = cors.getOptionalBoolean('credentials') ?? false;
  if (credentials && (origin === '*' || (Array.isArray(origin) && origin.includes('*')))) {
    throw new Error(
      "backend.cors.origin '*' cannot be combined with backend.cors.credentials: list the allowed origins",
    );
  }
  return {
    origin: origin === '*' ? '*' : typeof origin === 'string' ? [origin] : (origin ?? false),
    methods: cors.getOptionalStringArray('methods') ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    credentials,
    allowedHeaders: cors.getOptionalStringArray('allowedHeaders'),
    exposedHeaders: cors.getOptionalStringArray('exposedHeaders') ?? ['x-request-id'],
    maxAge: cors.getOptionalNumber('maxAge'),
  };
}
