const SENSITIVE_PARAM = /token|secret|password|passwd|pwd|key|code|auth|session|sig|jwt|credential|assertion/i;
const MAX_LOGGED_URL = 2048;

/**
 * The request URL as it may appear in a log line: values of query parameters whose names suggest
 * credentials are replaced (the logger hides token-shaped strings in what is left), and the URL
 * is cut at a length no log line needs.
 */
export function logSafeUrl(url: string): string {
  const cut = url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL)}...` : url;
  const queryStart = cut.indexOf('?');
  if (queryStart < 0) {
    return cut;
  }
  const query = cut
    .slice(queryStart + 1)
    .split('&')
    .map(pair => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SENSITIVE_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=[REDACTED]` : pair;
    })
    .join('&');
  return `${cut.slice(0, queryStart)}?${query}`;
}
