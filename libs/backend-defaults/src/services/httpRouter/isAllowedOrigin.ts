import type { Config } from '@trellis/backend-plugin-api';
import type { IncomingMessage } from 'node:http';

/**
 * Which browser origins may use the user cookie on a WebSocket upgrade: the backend's own (the
 * request's `Host`, or the host of its external URL), and those listed in `backend.cors.origin`,
 * the origins an operator lets browsers call the backend from. `*` allows none.
 */
export function createOriginCheck(options: {
  config: Config;
  externalBaseUrl: () => Promise<string>;
}): (origin: string, request: IncomingMessage) => Promise<boolean> {
  const configured = options.config.getOptional<string | string[]>('backend.cors.origin');
  const listed = new Set(
    (Array.isArray(configured) ? configured : configured ? [configured] : []).filter((o) => o !== '*'),
  );
  return async (origin, request) => {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (listed.has(parsed.origin)) {
      return true;
    }
    if (parsed.host === request.headers.host) {
      return true;
    }
    return parsed.host === new URL(await options.externalBaseUrl()).host;
  };
}
