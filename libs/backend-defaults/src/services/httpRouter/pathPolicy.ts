/** A check whether a request path (relative to the plugin) falls under a policy path. */
export type PathPredicate = (path: string) => boolean;

const SEGMENT = /^(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~!$&'()+,;=@-]+)$/;

/**
 * Compiles a policy path into a predicate. The policy covers its path and everything below it
 * (`/public` opens `/public` and `/public/x`, not `/publicity`); a `:name` segment stands for any
 * one segment; letters match without regard to case, as Express routes do. Request paths are
 * compared raw, as Express matches them, so an encoded path never matches a plain policy.
 */
export function createPathPredicate(policyPath: string): PathPredicate {
  const segments = splitPolicyPath(policyPath);
  if (segments.length === 0) {
    return () => true;
  }
  if (!segments.some((segment) => segment.startsWith(':'))) {
    // Plain segments only: a prefix ending at a segment boundary, without splitting the path.
    const prefix = `/${segments.join('/')}`.toLowerCase();
    return (path) => {
      const lower = path.toLowerCase();
      return lower.startsWith(prefix) && (lower.length === prefix.length || lower.charCodeAt(prefix.length) === 47);
    };
  }
  return (path) => {
    const parts = path.split('/').slice(1);
    if (parts.length < segments.length) {
      return false;
    }
    return segments.every((segment, i) =>
      segment.startsWith(':') ? parts[i].length > 0 : parts[i].toLowerCase() === segment.toLowerCase(),
    );
  };
}

/** Splits and checks a policy path; throws on anything but plain and `:param` segments. */
export function splitPolicyPath(policyPath: string): string[] {
  if (typeof policyPath !== 'string' || !policyPath.startsWith('/')) {
    throw new Error(`Auth policy paths are relative to the plugin and start with '/', got '${String(policyPath)}'`);
  }
  const segments = policyPath.split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') {
    segments.pop();
  }
  for (const segment of segments) {
    if (!SEGMENT.test(segment) || segment === '.' || segment === '..') {
      throw new Error(
        `Auth policy path '${policyPath}' has an invalid segment '${segment}'; use plain segments and ':param' segments only`,
      );
    }
  }
  return segments;
}
