import { parse } from 'node:querystring';

/** A parsed query string: flat, with string or string-array values. */
export type ParsedQuery = Record<string, string | string[]>;

/**
 * Parses a query string flat, as Express 5's `simple` parser does, except that a key written
 * `name[]` (what Backstage's clients send for lists, e.g. `ids[]=a&ids[]=b`) is read as the list
 * `name`, always an array, merged with plain `name` values. No nesting (`a[b]=c` stays a key
 * named `a[b]`), so a value is never an object and handlers only meet strings and string arrays.
 * The object has no prototype, so `__proto__` and `constructor` are ordinary keys.
 */
export function parseQuery(query: string): ParsedQuery {
  const parsed = parse(query) as ParsedQuery;
  for (const key of Object.keys(parsed)) {
    if (!key.endsWith('[]') || key.length === 2) {
      continue;
    }
    const name = key.slice(0, -2);
    const existing = parsed[name];
    const added = parsed[key]!;
    parsed[name] = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ...(Array.isArray(added) ? added : [added]),
    ];
    delete parsed[key];
  }
  return parsed;
}
