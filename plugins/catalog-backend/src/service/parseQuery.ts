import { InputError } from '@trellis/errors';
import { parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import { z } from 'zod';
import { FilterSet } from '../database/CatalogStore';

const MAX_FILTERS = 20;
const MAX_CONDITIONS = 20;
const MAX_FIELDS = 50;
const MAX_VALUE_LENGTH = 255;
const KEY = /^[a-zA-Z0-9_.:/@-]{1,255}$/;
const FIELD = /^[a-zA-Z0-9_-]+(?:\.[a-zA-Z0-9_-]+)*$/;

/**
 * Path parts that would reach an object's prototype when used as a property name. Entities never
 * have such fields (processing refuses them), so a path naming one is a caller's mistake or an
 * attack: 400, never a lookup.
 */
const FORBIDDEN_PARTS = new Set(['__proto__', 'constructor', 'prototype']);

function checkPathParts(parts: string[], what: string, path: string): void {
  const forbidden = parts.find((part) => FORBIDDEN_PARTS.has(part.toLowerCase()));
  if (forbidden !== undefined) {
    throw new InputError(
      `Invalid query: ${what} '${path.slice(0, 100)}' names '${forbidden}', which is never an entity field`,
    );
  }
}

/**
 * Parses `filter` parameters written the Backstage way: each parameter is conditions joined by
 * commas that must all hold (`kind=component,spec.type=service`), several parameters are
 * alternatives; a bare key asks only that the field exists. Cursors are checked with this very
 * function, so a forged cursor meets the same limits as a fresh query.
 */
export function parseFilters(raw: unknown): FilterSet[] {
  const params = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (params.length > MAX_FILTERS) {
    throw new InputError(`Invalid query: at most ${MAX_FILTERS} 'filter' parameters`);
  }
  return params.map(parseFilterParam);
}

function parseFilterParam(param: unknown): FilterSet {
  if (typeof param !== 'string' || param.length === 0) {
    throw new InputError("Invalid query: 'filter' must be key=value conditions joined by commas");
  }
  const conditions = param.split(',');
  if (conditions.length > MAX_CONDITIONS) {
    throw new InputError(`Invalid query: at most ${MAX_CONDITIONS} conditions in one 'filter'`);
  }
  return conditions.map((condition) => {
    const eq = condition.indexOf('=');
    const key = (eq === -1 ? condition : condition.slice(0, eq)).trim();
    const value = eq === -1 ? undefined : condition.slice(eq + 1).trim();
    if (!KEY.test(key)) {
      throw new InputError(
        `Invalid query: filter key '${printable(key)}' must be a field in dot notation, such as spec.type`,
      );
    }
    checkPathParts(key.split('.'), 'filter key', key);
    if (value !== undefined && (value.length === 0 || value.length > MAX_VALUE_LENGTH)) {
      throw new InputError(`Invalid query: filter '${key}' needs a value of 1 to ${MAX_VALUE_LENGTH} characters`);
    }
    if (value?.includes('\0')) {
      throw new InputError(`Invalid query: the value of filter '${key}' contains a NUL character`);
    }
    return { key, value };
  });
}

/** The `filter` parameters that {@link parseFilters} turns into `sets`. */
function formatFilters(sets: FilterSet[]): string[] {
  return sets.map((set) => set.map(({ key, value }) => (value === undefined ? key : `${key}=${value}`)).join(','));
}

/** Parses `fields=kind,metadata.name` into paths; none means whole entities. */
export function parseFields(raw: unknown): string[][] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length > MAX_FIELDS) {
    throw new InputError(`Invalid query: 'fields' must name 1 to ${MAX_FIELDS} fields`);
  }
  const list = values.flatMap((value) => {
    if (typeof value !== 'string') {
      throw new InputError("Invalid query: 'fields' must be field names joined by commas");
    }
    return value
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  });
  return parseFieldList(list);
}

/** Checks a list of field paths such as `metadata.name`. */
export function parseFieldList(list: unknown[]): string[][] {
  if (list.length === 0 || list.length > MAX_FIELDS) {
    throw new InputError(`Invalid query: 'fields' must name 1 to ${MAX_FIELDS} fields`);
  }
  return list.map((field) => {
    if (typeof field !== 'string' || !FIELD.test(field) || field.length > 255) {
      throw new InputError(
        `Invalid query: field '${printable(String(field))}' must be a path in dot notation, such as metadata.name`,
      );
    }
    const parts = field.split('.');
    checkPathParts(parts, 'field', field);
    return parts;
  });
}

/**
 * Only the selected fields of a value, keeping their nesting. Reads own properties only and builds
 * the result from null-prototype objects, so no path can read or write a prototype even if a
 * forbidden name got past the parsers.
 */
export function selectFields<T extends object>(value: T, fields: string[][] | undefined): Partial<T> {
  if (!fields) {
    return value;
  }
  const out: Record<string, unknown> = Object.create(null);
  const built = new WeakSet<object>([out]);
  for (const pathParts of fields) {
    const selected = ownPath(value, pathParts);
    if (selected === undefined) {
      continue;
    }
    let target: Record<string, unknown> | undefined = out;
    for (const part of pathParts.slice(0, -1)) {
      const next: unknown = Object.hasOwn(target, part) ? target[part] : undefined;
      if (next !== undefined && !built.has(next as object)) {
        // A shorter path already selected this whole subtree.
        target = undefined;
        break;
      }
      if (next === undefined) {
        const child: Record<string, unknown> = Object.create(null);
        built.add(child);
        target[part] = child;
      }
      target = target[part] as Record<string, unknown>;
    }
    if (target) {
      target[pathParts[pathParts.length - 1]!] = selected;
    }
  }
  return out as Partial<T>;
}

/** The value at a path of own properties of plain objects, or undefined. */
function ownPath(value: unknown, pathParts: string[]): unknown {
  let source = value;
  for (const part of pathParts) {
    if (source === null || typeof source !== 'object' || Array.isArray(source) || !Object.hasOwn(source, part)) {
      return undefined;
    }
    source = (source as Record<string, unknown>)[part];
  }
  return source;
}

/** Where a page ended and the query it belongs to, as {@link decodeCursor} hands it back. */
export interface Cursor {
  after: string;
  filter: FilterSet[];
  fields?: string[][];
}

/**
 * A cursor is the query written out again (the `filter` parameters and `fields`, as a client
 * would send them) and the key of the last entity of the page, base64url-encoded JSON.
 */
export function encodeCursor(cursor: Cursor): string {
  const wire = {
    after: cursor.after,
    filter: formatFilters(cursor.filter),
    fields: cursor.fields?.map((f) => f.join('.')),
  };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

const cursorSchema = z
  .object({
    after: z.string(),
    filter: z.array(z.string()),
    fields: z.array(z.string()).optional(),
  })
  .strict();

/**
 * Reads a cursor back. A cursor is client input like any other: its filter and fields go through
 * the same parsers as fresh query parameters (so the same limits on conditions, value lengths and
 * names apply), and `after` must be an entity key. Re-validation rather than a signature, because
 * the plugin API offers no secret shared by every instance, and a cursor one instance issued must
 * work on the next.
 */
export function decodeCursor(raw: unknown): Cursor {
  try {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 16_384 || !/^[A-Za-z0-9_-]+$/.test(raw)) {
      throw new InputError('it is not base64url text of at most 16384 characters');
    }
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (!parsed.success) {
      throw new InputError('it does not hold a query');
    }
    const { after, filter, fields } = parsed.data;
    return { after: parseAfter(after), filter: parseFilters(filter), fields: fields && parseFieldList(fields) };
  } catch (error) {
    const reason = error instanceof InputError ? error.message.replace(/^Invalid query: /, '') : 'it is not JSON';
    throw new InputError(`Invalid query: 'cursor' is not a cursor this API returned: ${reason}`);
  }
}

/** `after` is the lower-case ref of the last entity of the previous page. */
function parseAfter(after: string): string {
  const key = stringifyEntityRef(parseEntityRef(after)).toLowerCase();
  if (key !== after) {
    throw new InputError('its position is not an entity ref in lower case');
  }
  return key;
}

/** A value for an error message: at most 100 characters, control characters escaped. */
function printable(value: string): string {
  return JSON.stringify(value.slice(0, 100)).slice(1, -1);
}
