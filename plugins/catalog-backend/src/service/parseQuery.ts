import { onFirstUse } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { z } from 'zod';
import { EntityQuery, FilterCondition, FilterSet, FullTextFilter, OrderField } from '../database/EntityQueries';

const MAX_FILTERS = 20;
const MAX_CONDITIONS = 20;
const MAX_FIELDS = 50;
const MAX_VALUE_LENGTH = 255;
const MAX_ORDER_FIELDS = 5;
/** The furthest position a page may start at; far beyond any catalog. */
export const MAX_OFFSET = 10_000_000;
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
 * alternatives, the values of a key repeated in one parameter are alternatives
 * (`kind=api,kind=component`), and a bare key asks only that the field exists. Keys are compared
 * without regard to case. Cursors are checked with this very function, so a forged cursor meets
 * the same limits as a fresh query.
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
  const byKey = new Map<string, FilterCondition>();
  for (const condition of conditions) {
    const eq = condition.indexOf('=');
    const key = (eq === -1 ? condition : condition.slice(0, eq)).trim();
    const value = eq === -1 ? undefined : condition.slice(eq + 1).trim();
    checkFilterKey(key);
    if (value !== undefined && (value.length === 0 || value.length > MAX_VALUE_LENGTH)) {
      throw new InputError(`Invalid query: filter '${key}' needs a value of 1 to ${MAX_VALUE_LENGTH} characters`);
    }
    if (value?.includes('\0')) {
      throw new InputError(`Invalid query: the value of filter '${key}' contains a NUL character`);
    }
    const merged = byKey.get(key.toLowerCase());
    if (!merged) {
      byKey.set(key.toLowerCase(), { key, values: value === undefined ? undefined : [value] });
    } else if (value === undefined || merged.values === undefined) {
      // "exists" or "equals v" is "exists".
      merged.values = undefined;
    } else if (!merged.values.some((v) => v.toLowerCase() === value.toLowerCase())) {
      merged.values.push(value);
    }
  }
  return [...byKey.values()];
}

function checkFilterKey(key: string): void {
  if (!KEY.test(key)) {
    throw new InputError(
      `Invalid query: filter key '${printable(key)}' must be a field in dot notation, such as spec.type`,
    );
  }
  checkPathParts(key.split('.'), 'filter key', key);
}

/** The `filter` parameters that {@link parseFilters} turns into `sets`. */
export function formatFilters(sets: FilterSet[]): string[] {
  return sets.map((set) =>
    set
      .flatMap(({ key, values }) => (values === undefined ? [key] : values.map((value) => `${key}=${value}`)))
      .join(','),
  );
}

/**
 * Parses `order=asc:metadata.name` parameters of `GET /entities` (`asc` or `desc`, then a field),
 * or `orderField=metadata.name,desc` parameters of `GET /entities/by-query` (`orderFieldStyle`).
 */
export function parseOrder(raw: unknown, style: 'order' | 'orderField'): OrderField[] | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const params = Array.isArray(raw) ? raw : [raw];
  if (params.length > MAX_ORDER_FIELDS) {
    throw new InputError(`Invalid query: at most ${MAX_ORDER_FIELDS} '${style}' parameters`);
  }
  return params.map((param) => {
    const match =
      typeof param !== 'string'
        ? null
        : style === 'order'
          ? /^(asc|desc):(.+)$/i.exec(param)
          : /^([^,]+)(?:,(asc|desc))?$/i.exec(param);
    if (!match) {
      const form = style === 'order' ? 'asc:<field> or desc:<field>' : '<field>,asc or <field>,desc';
      throw new InputError(`Invalid query: '${style}' must be ${form}`);
    }
    const [field, order] = style === 'order' ? [match[2]!, match[1]!] : [match[1]!, match[2] ?? 'asc'];
    checkFilterKey(field.trim());
    return { field: field.trim(), order: order.toLowerCase() as 'asc' | 'desc' };
  });
}

/** Parses `fullTextFilterTerm` and `fullTextFilterFields` (comma-separated) of `GET /entities/by-query`. */
export function parseFullText(term: unknown, fields: unknown): FullTextFilter | undefined {
  if (term === undefined) {
    if (fields !== undefined) {
      throw new InputError("Invalid query: 'fullTextFilterFields' needs a 'fullTextFilterTerm'");
    }
    return undefined;
  }
  if (typeof term !== 'string' || term.length > MAX_VALUE_LENGTH || term.includes('\0')) {
    throw new InputError(
      `Invalid query: 'fullTextFilterTerm' must be one text of at most ${MAX_VALUE_LENGTH} characters without NUL`,
    );
  }
  const trimmed = term.trim();
  if (trimmed.length === 0) {
    return undefined;
  }
  if (fields === undefined) {
    return { term: trimmed };
  }
  const list = (Array.isArray(fields) ? fields : [fields]).flatMap((value) => {
    if (typeof value !== 'string') {
      throw new InputError("Invalid query: 'fullTextFilterFields' must be field names joined by commas");
    }
    return value
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
  });
  if (list.length > MAX_FIELDS) {
    throw new InputError(`Invalid query: 'fullTextFilterFields' names at most ${MAX_FIELDS} fields`);
  }
  list.forEach(checkFilterKey);
  return { term: trimmed, fields: list };
}

/** A whole number from `min` to `max` in a query parameter, or undefined when it is absent. */
export function parseWholeNumber(raw: unknown, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new InputError(`Invalid query: '${name}' must be a whole number from ${min} to ${max}`);
  }
  return value;
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

/** A page of `GET /entities/by-query`: the query it belongs to and where the page starts. */
export interface QueryCursor extends EntityQuery {
  offset: number;
  /** Whether `totalItems` is counted (`include`, the default) or left out. */
  totalItems: 'include' | 'exclude';
}

/**
 * A cursor is the query written out again, as a client would send it (`filter` parameters,
 * `orderField`, the full-text term and fields), and the position of the page, as base64url-encoded
 * JSON. `fields` is not part of it: as in Backstage, a client sends `fields` with every page.
 */
export function encodeCursor(cursor: QueryCursor): string {
  const wire = {
    filter: formatFilters(cursor.filter),
    orderField: cursor.order?.map(({ field, order }) => `${field},${order}`),
    fullTextFilterTerm: cursor.fullText?.term,
    fullTextFilterFields: cursor.fullText?.fields?.join(','),
    offset: cursor.offset,
    totalItems: cursor.totalItems === 'exclude' ? cursor.totalItems : undefined,
  };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

const cursorSchema = onFirstUse(() =>
  z
    .object({
      filter: z.array(z.string()),
      orderField: z.array(z.string()).optional(),
      fullTextFilterTerm: z.string().optional(),
      fullTextFilterFields: z.string().optional(),
      offset: z.number().int().min(0).max(MAX_OFFSET),
      totalItems: z.literal('exclude').optional(),
    })
    .strict(),
);

/**
 * Reads a cursor back. A cursor is client input like any other: its parts go through the same
 * parsers as fresh query parameters (so the same limits on conditions, value lengths and names
 * apply). Re-validation rather than a signature, because the plugin API offers no secret shared
 * by every instance, and a cursor one instance issued must work on the next.
 */
export function decodeCursor(raw: unknown): QueryCursor {
  try {
    const parsed = cursorSchema().safeParse(decodeJson(raw));
    if (!parsed.success) {
      throw new InputError('it does not hold a query');
    }
    const { filter, orderField, fullTextFilterTerm, fullTextFilterFields, offset, totalItems } = parsed.data;
    return {
      filter: parseFilters(filter),
      order: orderField && parseOrder(orderField, 'orderField'),
      fullText: parseFullText(fullTextFilterTerm, fullTextFilterFields),
      offset,
      totalItems: totalItems ?? 'include',
    };
  } catch (error) {
    throw new InputError(`Invalid query: 'cursor' is not a cursor this API returned: ${reason(error)}`);
  }
}

/** The `after` of `GET /entities`: where the next page starts, as the `Link` header hands it out. */
export function encodeAfter(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

const afterSchema = onFirstUse(() => z.object({ offset: z.number().int().min(0).max(MAX_OFFSET) }).strict());

/** Reads `after` back; anything but a position this API handed out is a 400. */
export function decodeAfter(raw: unknown): number {
  try {
    const parsed = afterSchema().safeParse(decodeJson(raw));
    if (!parsed.success) {
      throw new InputError('it does not hold a position');
    }
    return parsed.data.offset;
  } catch (error) {
    throw new InputError(`Invalid query: 'after' is not a position this API returned: ${reason(error)}`);
  }
}

function decodeJson(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 16_384 || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw new InputError('it is not base64url text of at most 16384 characters');
  }
  return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
}

function reason(error: unknown): string {
  return error instanceof InputError ? error.message.replace(/^Invalid query: /, '') : 'it is not JSON';
}

/** A value for an error message: at most 100 characters, control characters escaped. */
function printable(value: string): string {
  return JSON.stringify(value.slice(0, 100)).slice(1, -1);
}
