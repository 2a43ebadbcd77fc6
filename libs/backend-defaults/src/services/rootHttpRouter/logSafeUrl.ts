const SENSITIVE_PARAM = /token|secret|password|passwd|pwd|key|code|auth|session|sig|jwt|credential|assertion/i;
const MAX_LOGGED_URL = 2048;

/**
 * The request URL as it may appear in a log line: values of query parameters whose names suggest
 * credentials are replaced (names compared after percent-decoding, so `%74oken` is `token`; the
 * logger hides known secrets and token-shaped strings in what is left), and the URL is cut at a
 * length no log line needs. The cut drops the segment it falls in, so no secret is left half
 * logged where the logger could no longer recognise it.
 */
export function logSafeUrl(url: string): string {
  const cut = url.length > MAX_LOGGED_URL ? `${url.slice(0, MAX_LOGGED_URL).replace(/[^/?&=;,]*$/, '')}...` : url;
  const queryStart = cut.indexOf('?');
  if (queryStart < 0) {
    return cut;
  }
  const query = cut
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq >= 0 && SENSITIVE_PARAM.test(decodedName(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=[REDACTED]` : pair;
    })
    .join('&');
  return `${cut.slice(0, queryStart)}?${query}`;
}

function decodedName(name: string): string {
  if (!name.includes('%') && !name.includes('+')) {
    return name;
  }
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
