import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CspDirectives } from './readCsp';

/** A response header as name and value. */
export type ResponseHeader = readonly [name: string, value: string];

/**
 * The headers helmet sets, with the CSP directives given, computed once. Every directive is a
 * fixed list of sources (`readCsp` allows nothing else), so helmet would set the same headers on
 * every response; setting them from this list skips helmet's per-request work.
 */
export function securityHeaders(csp: CspDirectives): readonly ResponseHeader[] {
  const headers: ResponseHeader[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.push([name, String(value)]);
    },
    removeHeader() {},
  };
  let failure: unknown;
  helmet({
    contentSecurityPolicy: { directives: csp },
    // Left out: headers that only ever concerned HTML documents in browsers that no longer exist
    // or plug-ins that are gone (IE8 downloads, the removed XSS auditors, Flash and Acrobat
    // cross-domain policies, DNS prefetching and agent clusters of documents). The backend serves
    // APIs; each costs every response a header to validate and send.
    xXssProtection: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xDnsPrefetchControl: false,
    originAgentCluster: false,
  })({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) {
    throw failure;
  }
  if (headers.length === 0) {
    throw new Error('helmet set no headers synchronously; the security headers cannot be computed once');
  }
  return headers;
}
