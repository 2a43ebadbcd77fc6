import { parse } from 'node:querystring';

/** A parsed query string: flat, with string or string-array values. */
export type ParsedQuery = Record<string, string | string[]>;

/** `name[]` or `name[<index>]` (up to 4 digits): an item of the list `name`. */
const LIST_ITEM = /^(.+)\[(\d{0,4})\]$/;

/**
 * Parses a query string flat, as Express 5's `simple` parser does, except that a key written
 * `name[]` or `name[0]`, `name[1]`, ... (what Backstage's clients send for lists: `ids[]=a&ids[]=b`
 * from `@backstage-community` clients, `types[0]=a&types[1]=b` from `qs.stringify`, as the search
 * client does) is read as the list `name`, always an array: plain `name` values first, then the
 * items in index order (`name[]` items count as they come). No other nesting (`a[b]=c` stays a key
 * named `a[b]`), so a value is never an object and handlers only meet strings and string arrays.
 * The object has no prototype, so `__proto__` and `constructor` are ordinary keys.
 */
export function parseQuery(query: string): ParsedQuery {
  const parsed = parse(query) as ParsedQuery;
  const items = new Map<string, { index: number; order: number; values: string[] }[]>();
  let order = 0;
  for (const key of Object.keys(parsed)) {
    const match = LIST_ITEM.exec(key);
    if (!match) {
      continue;
    }
    const [, name, index] = match as unknown as [string, string, string];
    const values = parsed[key]!;
    const list = items.get(name) ?? [];
    list.push({
      index: index === '' ? Number.MAX_SAFE_INTEGER : Number(index),
      order: order++,
      values: Array.isArray(values) ? values : [values],
    });
    items.set(name, list);
    delete parsed[key];
  }
  for (const [name, list] of items) {
    const existing = parsed[name];
    list.sort((a, b) => a.index - b.index || a.order - b.order);
    parsed[name] = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      ...list.flatMap((item) => item.values),
    ];
  }
  return parsed;
}
