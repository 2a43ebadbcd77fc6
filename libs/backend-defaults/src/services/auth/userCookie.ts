import type { IncomingMessage } from 'node:http';

/**
 * The name of the user cookie. Each plugin sets its own, scoped to the plugin's base path, so a
 * browser sends a plugin only the cookie that plugin issued.
 */
export const USER_COOKIE_NAME = 'trellis-auth';

const MAX_COOKIE_HEADER_LENGTH = 16_384;

/** The value of the user cookie a request carries, if any (the first one, as browsers send the most specific path first). */
export function readUserCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER_LENGTH) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === USER_COOKIE_NAME) {
      const value = part.slice(eq + 1).trim();
      const unquoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
      return unquoted.length > 0 ? unquoted : undefined;
    }
  }
  return undefined;
}
