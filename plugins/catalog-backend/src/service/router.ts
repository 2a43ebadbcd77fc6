import { AuditorService, HttpAuthService, onFirstUse } from '@trellis/backend-plugin-api';
import { InputError, NotFoundError } from '@trellis/errors';
import { Entity, parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import express, { Request, Response, Router } from 'express';
import { z } from 'zod';
import { CatalogStore } from '../database/CatalogStore';
import { EntityQueries } from '../database/EntityQueries';
import { entityAncestry } from './entityAncestry';
import {
  decodeAfter,
  decodeCursor,
  encodeAfter,
  encodeCursor,
  MAX_OFFSET,
  parseFieldList,
  parseFields,
  parseFilters,
  parseFullText,
  parseOrder,
  parseWholeNumber,
  QueryCursor,
  selectFields,
} from './parseQuery';
import { validateEntityRoute } from './validateEntityRoute';
import { auditedRoute } from './auditedRoute';
import { writeEntityArray } from './writeEntityArray';

const DEFAULT_QUERY_LIMIT = 20;
const MAX_QUERY_LIMIT = 1000;
const MAX_REFS = 1000;
const MAX_FACETS = 20;
const MAX_ERRORS_LIMIT = 500;
const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const bodies = onFirstUse(() => ({
  byRefs: z
    .object({
      entityRefs: z.array(z.string().max(255)).max(MAX_REFS, `at most ${MAX_REFS} refs`),
      fields: z.array(z.string().max(255)).max(50).optional(),
    })
    .strict(),
  refresh: z.object({ entityRef: z.string().max(255), authorizationToken: z.string().optional() }).strict(),
}));

/** Options of {@link createRouter}. */
export interface CreateRouterOptions {
  store: CatalogStore;
  queries: EntityQueries;
  httpAuth: HttpAuthService;
  /** Records the writes: removals and refreshes of entities. */
  auditor: AuditorService;
  /** Checks an entity as processing would, with every processor; the problems, or none. */
  validate: (entity: unknown, location: { type: string; target: string }) => Promise<string[]>;
  /** Asks the provider of an entity to read it again soon. */
  refresh: (provider: string) => Promise<void>;
}

/**
 * The catalog API, route for route the one `@backstage/catalog-client` calls (see docs/catalog.md
 * for each route and where it differs). Every route needs user or service credentials.
 */
export function createRouter(options: CreateRouterOptions): Router {
  const router = express.Router();
  // Each route checks credentials itself: other routers of the plugin share its mount path.
  const authed =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      await options.httpAuth.credentials(req, { allow: ['user', 'service'] });
      await handler(req, res);
    };
  router.get(
    '/entities',
    authed((req, res) => getEntities(options, req, res)),
  );
  router.get(
    '/entities/by-query',
    authed((req, res) => queryEntities(options, req, res)),
  );
  router.post(
    '/entities/by-refs',
    authed((req, res) => getEntitiesByRefs(options, req, res)),
  );
  router.get(
    '/entities/by-ref/*ref',
    authed(async (req, res) => {
      checkQueryParams(req.query, []);
      const raw = (req.params as { ref: string[] }).ref.join('/');
      res.json(await getOne(options.queries, parseEntityRef(raw)));
    }),
  );
  router.get(
    '/entities/by-name/:kind/:namespace/:name',
    authed(async (req, res) => {
      checkQueryParams(req.query, []);
      res.json(await getOne(options.queries, refOfParams(req.params)));
    }),
  );
  router.get(
    '/entities/by-name/:kind/:namespace/:name/ancestry',
    authed(async (req, res) => {
      checkQueryParams(req.query, []);
      const root = await getOne(options.queries, refOfParams(req.params));
      res.json(await entityAncestry(options.queries, root));
    }),
  );
  router.delete(
    '/entities/by-uid/:uid',
    authed(
      auditedRoute(
        options.auditor,
        'entity-mutate',
        (req) => ({ actionType: 'delete', uid: String(req.params.uid) }),
        (req, res) => removeEntityByUid(options, req, res),
      ),
    ),
  );
  router.get(
    '/entity-facets',
    authed((req, res) => getEntityFacets(options, req, res)),
  );
  router.post(
    '/refresh',
    authed(
      auditedRoute(
        options.auditor,
        'entity-mutate',
        (req) => ({ actionType: 'refresh', entityRef: entityRefOf(req.body) }),
        (req, res) => refreshEntity(options, req, res),
      ),
    ),
  );
  router.post(
    '/validate-entity',
    authed((req, res) => validateEntityRoute(options.validate, req, res)),
  );
  router.get(
    '/errors',
    authed(async (req, res) => {
      checkQueryParams(req.query, ['limit']);
      const limit = parseWholeNumber(req.query.limit, 'limit', 1, MAX_ERRORS_LIMIT) ?? 100;
      res.json({ items: await options.store.listErrors(limit) });
    }),
  );
  return router;
}

/**
 * `GET /entities`: a JSON array, as Backstage answers. Without `limit` it is every matching
 * entity, streamed in batches; with `limit` and more to come, a `Link` header names the next page
 * (`after`).
 */
async function getEntities({ queries }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  checkQueryParams(req.query, ['filter', 'fields', 'order', 'offset', 'limit', 'after']);
  const query = { filter: parseFilters(req.query.filter), order: parseOrder(req.query.order, 'order') };
  const fields = parseFields(req.query.fields);
  const limit = parseWholeNumber(req.query.limit, 'limit', 0, MAX_OFFSET);
  if (req.query.after !== undefined && req.query.offset !== undefined) {
    throw new InputError("Invalid query: send 'after' or 'offset', not both");
  }
  const offset =
    req.query.after !== undefined
      ? decodeAfter(req.query.after)
      : (parseWholeNumber(req.query.offset, 'offset', 0, MAX_OFFSET) ?? 0);
  const keys = await queries.listKeys({ ...query, offset, limit: limit === undefined ? undefined : limit + 1 });
  // A page of 0 would name itself as the next one.
  if (limit !== undefined && keys.length > limit) {
    keys.length = limit;
    if (limit > 0) {
      const next = new URL(req.originalUrl, 'http://localhost');
      next.searchParams.delete('offset');
      next.searchParams.set('after', encodeAfter(offset + limit));
      res.setHeader('link', `<${next.pathname}${next.search}>; rel="next"`);
    }
  }
  await writeEntityArrayOf(queries, res, keys, fields);
}

async function writeEntityArrayOf(
  queries: EntityQueries,
  res: Response,
  keys: string[],
  fields: string[][] | undefined,
): Promise<void> {
  await writeEntityArray({
    res,
    keys,
    load: (batch) => queries.getByKeys(batch),
    project: (entity) => selectFields(entity, fields),
  });
}

/**
 * `GET /entities/by-query`: pages of `limit` entities (default 20) with `totalItems` and cursors
 * both ways. A cursor carries the query; sent with it, a query parameter would contradict it.
 */
async function queryEntities({ queries }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  const queryParams = ['filter', 'orderField', 'fullTextFilterTerm', 'fullTextFilterFields', 'offset', 'totalItems'];
  checkQueryParams(req.query, ['fields', 'limit', 'cursor', ...queryParams]);
  const fields = parseFields(req.query.fields);
  const limit = parseWholeNumber(req.query.limit, 'limit', 1, MAX_QUERY_LIMIT) ?? DEFAULT_QUERY_LIMIT;
  let cursor: QueryCursor;
  if (req.query.cursor !== undefined) {
    const extra = queryParams.filter((name) => req.query[name] !== undefined);
    if (extra.length > 0) {
      throw new InputError(
        `Invalid query: a cursor carries its query; send ${extra.map((name) => `'${name}'`).join(', ')} only for the first page`,
      );
    }
    cursor = decodeCursor(req.query.cursor);
  } else {
    cursor = {
      filter: parseFilters(req.query.filter),
      order: parseOrder(req.query.orderField, 'orderField'),
      fullText: parseFullText(req.query.fullTextFilterTerm, req.query.fullTextFilterFields),
      offset: parseWholeNumber(req.query.offset, 'offset', 0, MAX_OFFSET) ?? 0,
      totalItems: parseTotalItems(req.query.totalItems),
    };
  }
  const [keys, totalItems] = await Promise.all([
    queries.listKeys({ ...cursor, limit: limit + 1 }),
    cursor.totalItems === 'include' ? queries.count(cursor) : undefined,
  ]);
  const hasNext = keys.length > limit;
  const entities = await queries.getByKeys(keys.slice(0, limit));
  res.json({
    items: entities.flatMap((entity) => (entity ? [selectFields(entity, fields)] : [])),
    ...(totalItems === undefined ? {} : { totalItems }),
    pageInfo: {
      ...(hasNext ? { nextCursor: encodeCursor({ ...cursor, offset: cursor.offset + limit }) } : {}),
      ...(cursor.offset > 0
        ? { prevCursor: encodeCursor({ ...cursor, offset: Math.max(0, cursor.offset - limit) }) }
        : {}),
    },
  });
}

function parseTotalItems(raw: unknown): 'include' | 'exclude' {
  if (raw === undefined || raw === 'include' || raw === 'exclude') {
    return raw ?? 'include';
  }
  throw new InputError("Invalid query: 'totalItems' must be include or exclude");
}

/**
 * `POST /entities/by-refs`: the entities in the order asked, `null` for a ref with no entity or
 * one that does not match the `filter` query parameters.
 */
async function getEntitiesByRefs({ queries }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  checkQueryParams(req.query, ['filter', 'fields']);
  const body = parseBody(bodies().byRefs, req.body);
  const fields = body.fields ? parseFieldList(body.fields) : parseFields(req.query.fields);
  const keys = body.entityRefs.map((ref) => stringifyEntityRef(parseEntityRef(ref)).toLowerCase());
  const entities = await queries.getByKeys(keys, parseFilters(req.query.filter));
  res.json({ items: entities.map((entity) => (entity ? selectFields(entity, fields) : null)) });
}

/** `GET /entity-facets?facet=kind&facet=spec.type&filter=...`: `{ facets: { kind: [{ value, count }] } }`. */
async function getEntityFacets({ queries }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  checkQueryParams(req.query, ['facet', 'filter']);
  const raw = req.query.facet === undefined ? [] : [req.query.facet].flat();
  if (raw.length === 0 || raw.length > MAX_FACETS) {
    throw new InputError(`Invalid query: name 1 to ${MAX_FACETS} 'facet' parameters, such as facet=spec.type`);
  }
  const facets = raw.map((facet) => {
    if (typeof facet !== 'string') {
      throw new InputError("Invalid query: 'facet' must be a field in dot notation");
    }
    parseOrder(`${facet},asc`, 'orderField');
    return facet;
  });
  res.json({ facets: await queries.facets(parseFilters(req.query.filter), [...new Set(facets)]) });
}

/**
 * `DELETE /entities/by-uid/:uid`: 204 whether or not there was such an entity, as in Backstage.
 * Its provider adds it again on its next full read if it still provides it.
 */
async function removeEntityByUid({ store }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  checkQueryParams(req.query, []);
  const uid = req.params.uid as string;
  if (!UID.test(uid)) {
    throw new InputError(`Invalid uid '${printable(uid)}': entity uids are UUIDs`);
  }
  await store.removeEntityByUid(uid.toLowerCase());
  res.status(204).end();
}

/**
 * `POST /refresh { entityRef }`: asks the entity's provider to read it again; 200 at once, as in
 * Backstage, where the refresh also happens later. `authorizationToken` is accepted and not used:
 * the request's own credentials are what count.
 */
async function refreshEntity({ queries, refresh }: CreateRouterOptions, req: Request, res: Response): Promise<void> {
  checkQueryParams(req.query, []);
  const { entityRef } = parseBody(bodies().refresh, req.body);
  const ref = parseEntityRef(entityRef);
  const provider = await queries.providerOf(stringifyEntityRef(ref).toLowerCase());
  if (provider === undefined) {
    throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
  }
  await refresh(provider);
  res.status(200).end();
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      `Invalid body: ${parsed.error.issues.map((i) => (i.path.length ? `'${i.path.join('.')}' ${i.message}` : i.message)).join('; ')}`,
    );
  }
  return parsed.data;
}

function refOfParams(params: Request['params']): { kind: string; namespace: string; name: string } {
  return parseEntityRef(`${params.kind}:${params.namespace}/${params.name}`);
}

async function getOne(queries: EntityQueries, ref: { kind: string; namespace: string; name: string }): Promise<Entity> {
  const refString = stringifyEntityRef(ref);
  const [entity] = await queries.getByKeys([refString.toLowerCase()]);
  if (!entity) {
    throw new NotFoundError(`No entity ${refString}`);
  }
  return entity;
}

/** A value for an error message: at most 100 characters, control characters escaped. */
function printable(value: string): string {
  return JSON.stringify(value.slice(0, 100)).slice(1, -1);
}

/** Refuses query parameters a route does not read, rather than ignoring a mistyped one. */
function checkQueryParams(query: object, allowed: string[]): void {
  const unknown = Object.keys(query).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => `'${JSON.stringify(key.slice(0, 100)).slice(1, -1)}'`).join(', ');
    throw new InputError(
      `Invalid query: unknown parameter(s) ${names}; ${allowed.length ? `use ${allowed.join(', ')}` : 'this route takes none'}`,
    );
  }
}

/** The ref a refresh request names, for the audit record; whatever the body holds, as text. */
function entityRefOf(body: unknown): string | null {
  const ref = (body as { entityRef?: unknown } | undefined)?.entityRef;
  return typeof ref === 'string' ? ref.slice(0, 255) : null;
}
