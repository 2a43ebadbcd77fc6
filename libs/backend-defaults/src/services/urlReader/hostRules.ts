import { ReadingAllowRule } from './readUrlReaderConfig';

/**
 * Whether a URL matches an entry of `backend.reading.allow`: an HTTP(S) URL whose host (with its
 * port, if any) equals the rule's host, or is a subdomain of a `*.` rule, and whose path starts
 * with one of the rule's paths when it has any.
 *
 * @public
 */
export function isAllowedByRules(url: URL, rules: ReadingAllowRule[]): boolean {
  if (!isHttp(url) || url.username || url.password) {
    return false;
  }
  return rules.some((rule) => hostMatches(url, rule.host) && pathMatches(url.pathname, rule.paths));
}

/** Whether the URL is plain http or https. @public */
export function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

function hostMatches(url: URL, pattern: string): boolean {
  const wanted = pattern.toLowerCase();
  const host = url.host.toLowerCase();
  if (wanted.startsWith('*.')) {
    const suffix = wanted.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return host === wanted;
}

function pathMatches(pathname: string, paths: string[] | undefined): boolean {
  if (!paths || paths.length === 0) {
    return true;
  }
  // URL parsing already resolved `..` and `%2e%2e` segments, so a prefix check cannot be escaped.
  return paths.some(
    (prefix) => pathname === prefix || pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`),
  );
}

/** The URL without credentials, query or fragment, for messages and logs. @public */
export function displayUrl(url: URL | string): string {
  try {
    const parsed = new URL(String(url));
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}
