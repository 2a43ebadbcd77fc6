import { Entity } from '@trellis/plugin-catalog-node';

/** Values longer than this are not searchable (definitions, long descriptions). */
const MAX_VALUE_LENGTH = 200;
/** Fields never indexed: large or meaningless to filter on. */
const SKIPPED = new Set(['spec.definition', 'metadata.description', 'metadata.etag']);

/**
 * The searchable `key = value` pairs of an entity, keys in dot notation and both in lower case:
 * every scalar field and every scalar in a list (`metadata.tags = java`), so that filters can
 * match any field without a schema per kind.
 */
export function searchRows(entity: Entity): { key: string; value: string | null }[] {
  const rows = new Map<string, { key: string; value: string | null }>();
  const visit = (value: unknown, key: string) => {
    if (SKIPPED.has(key) || key.length > 255) {
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        if (!Array.isArray(item)) {
          visit(item, key);
        }
      }
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [child, childValue] of Object.entries(value)) {
        visit(childValue, `${key}.${child.toLowerCase()}`);
      }
      return;
    }
    const text = value === null || value === undefined ? null : String(value).toLowerCase();
    if (text !== null && text.length > MAX_VALUE_LENGTH) {
      return;
    }
    rows.set(`${key}\0${text}`, { key, value: text });
  };
  const { relations: _relations, ...rest } = entity;
  for (const [key, value] of Object.entries(rest)) {
    visit(value, key.toLowerCase());
  }
  return [...rows.values()];
}
