/** Keys that would reach a prototype when an entity is copied or searched by path. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Deeper nesting is refused; no entity kind needs it, and every walk over an entity recurses. */
const MAX_DEPTH = 32;

/**
 * Checks that an entity can be stored and served on every database: no NUL character in any key
 * or string (PostgreSQL refuses it in text, and one such value would fail the whole provider's
 * transaction), no key named `__proto__`, `constructor` or `prototype` (the API refuses these as
 * field paths), and at most 32 levels of nesting. Throws an Error naming the first offending
 * field.
 */
export function checkStorable(value: unknown): void {
  const visit = (node: unknown, path: string[]) => {
    if (typeof node === 'string') {
      if (node.includes('\0')) {
        throw new Error(`'${describePath(path)}' contains a NUL character, which the catalog cannot store`);
      }
      return;
    }
    if (node === null || typeof node !== 'object') {
      return;
    }
    if (path.length >= MAX_DEPTH) {
      throw new Error(`'${describePath(path)}' nests deeper than ${MAX_DEPTH} levels`);
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, String(index)]));
      return;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key.toLowerCase())) {
        throw new Error(`'${describePath([...path, key])}': '${key}' is not allowed as a field name`);
      }
      if (key.includes('\0')) {
        throw new Error(`'${describePath([...path, key])}': a field name contains a NUL character`);
      }
      visit((node as Record<string, unknown>)[key], [...path, key]);
    }
  };
  visit(value, []);
}

function describePath(path: string[]): string {
  return path.map((part) => part.replaceAll('\0', '\\0')).join('.') || '(entity)';
}
