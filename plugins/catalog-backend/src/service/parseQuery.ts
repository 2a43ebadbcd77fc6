import { InputError } from '@trellis/errors';
import { z } from 'zod';
import { FilterSet } from '../database/CatalogStore';

const MAX_FILTERS = 20;
const MAX_CONDITIONS = 20;
const KEY = /^[a-zA-Z0-9_.:/@-]{1,255}$/;

/**
 * Parses `filter` parameters written the Backstage way: each parameter is conditions joined by
 * commas that must all hold (`kind=component,spec.type=service`), several parameters are
 * alternatives; a bare key asks only that the field exists.
 */
export function parseFilters(raw: unknown): FilterSet[] {
  const params = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (params.length > MAX_FILTERS) {
    throw new InputError(`Invalid query: at most ${MAX_FILTERS} 'filter' parameters`);
  }
  return params.map(param => {
    if (typeof param !== 'string' || param.length === 0) {
      throw new InputError("Invalid query: 'filter' must be key=value conditions joined by commas");
    }
    const conditions = param.split(',');
    if (conditions.length > MAX_CONDITIONS) {
      throw new InputError(`Invalid query: at most ${MAX_CONDITIONS} conditions in one 'filter'`);
    }
    return conditions.map(condition => {
      const eq = condition.indexOf('=');
      const key = (eq === -1 ? condition : condition.slice(0, eq)).trim();
      const value = eq === -1 ? undefined : condition.slice(eq + 1).trim();
      if (!KEY.test(key)) {
        throw new InputError(`Invalid query: filter key '${key.slice(0, 100)}' must be a field in dot notation, such as spec.type`);
      }
      if (value !== undefined && (value.length === 0 || value.length > 255)) {
        throw new InputError(`Invalid query: filter '${key}' needs a value of 1 to 255 characters`);
      }
      return { key, value };
    });
  });
}

/** Parses `fields=kind,metadata.name` into paths; none means whole entities. */
export function parseFields(raw: unknown): string[][] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const list = (Array.isArray(raw) ? raw : [raw]).flatMap(value => {
    if (typeof value !== 'string') {
      throw new InputError("Invalid query: 'fields' must be field names joined by commas");
    }
    return value.split(',').map(f => f.trim()).filter(Boolean);
  });
  return parseFieldList(list);
}

/** Checks a list of field paths such as `metadata.name`. */
export function parseFieldList(list: string[]): string[][] {
  if (list.length === 0 || list.length > 50) {
    throw new InputError("Invalid query: 'fields' must name 1 to 50 fields");
  }
  return list.map(field => {
    if (!/^[a-zA-Z0-9_-]+(?:\.[a-zA-Z0-9_-]+)*$/.test(field) || field.length > 255) {
      throw new InputError(`Invalid query: field '${field.slice(0, 100)}' must be a path in dot notation, such as metadata.name`);
    }
    return field.split('.');
  });
}

/** Only the selected fields of a value, keeping their nesting. */
export function selectFields<T extends object>(value: T, fields: string[][] | undefined): Partial<T> {
  if (!fields) {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const pathParts of fields) {
    let source: unknown = value;
    for (const part of pathParts) {
      source = source !== null && typeof source === 'object' && !Array.isArray(source) ? (source as Record<string, unknown>)[part] : undefined;
    }
    if (source === undefined) {
      continue;
    }
    let target = out;
    pathParts.slice(0, -1).forEach(part => {
      target[part] = (target[part] as Record<string, unknown> | undefined) ?? {};
      target = target[part] as Record<string, unknown>;
    });
    target[pathParts[pathParts.length - 1]!] = source;
  }
  return out as Partial<T>;
}

/** A cursor carries where the last page ended and the filter and fields it was taken with. */
interface Cursor {
  after: string;
  filter: FilterSet[];
  fields?: string[][];
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const cursorSchema = z.object({
  after: z.string().max(255),
  filter: z.array(z.array(z.object({ key: z.string().max(255), value: z.string().max(255).optional() }))),
  fields: z.array(z.array(z.string().max(255))).optional(),
});

export function decodeCursor(raw: string): Cursor {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) {
      return parsed.data;
    }
  } catch {
    // reported below
  }
  throw new InputError("Invalid query: 'cursor' is not a cursor this API returned");
}
