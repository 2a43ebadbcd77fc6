import { HttpAuthService } from '@trellis/backend-plugin-api';
import { InputError, NotFoundError } from '@trellis/errors';
import { Entity, parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import express, { Request, Router } from 'express';
import { z } from 'zod';
import { CatalogStore } from '../database/CatalogStore';
import { decodeCursor, encodeCursor, parseFieldList, parseFields, parseFilters, selectFields } from './parseQuery';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
const MAX_REFS = 1000;

const byRefsBody = z
  .object({
    entityRefs: z.array(z.string().max(255)).max(MAX_REFS, `at most ${MAX_REFS} refs`),
    fields: z.array(z.string().max(255)).max(50).optional(),
  })
  .strict();

/**
 * The catalog API. Every route needs user or service credentials.
 *
 * - `GET /entities?filter=kind=component,spec.type=service&fields=kind,metadata.name&limit=&cursor=`
 * - `GET /entities/by-ref/:ref` (`kind:namespace/name`, URL-encoded or not)
 * - `GET /entities/by-name/:kind/:namespace/:name`
 * - `POST /entities/by-refs` `{ entityRefs, fields? }`
 * - `GET /errors`: the current processing errors
 */
export function createRouter(options: { store: CatalogStore; httpAuth: HttpAuthService }): Router {
  const { store, httpAuth } = options;
  const router = express.Router();
  const caller = (req: Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/entities', async (req, res) => {
    await caller(req);
    checkQueryParams(req.query, ['filter', 'fields', 'limit', 'cursor']);
    const limit = parseLimit(req.query.limit);
    let fields = parseFields(req.query.fields);
    let filter = parseFilters(req.query.filter);
    let after: string | undefined;
    if (req.query.cursor !== undefined) {
      const cursor = decodeCursor(req.query.cursor);
      if (req.query.filter !== undefined && JSON.stringify(filter) !== JSON.stringify(cursor.filter)) {
        throw new InputError(
          "Invalid query: 'filter' differs from the filter the cursor was taken with; send the cursor alone",
        );
      }
      filter = cursor.filter;
      fields = fields ?? cursor.fields;
      after = cursor.after;
    }
    const page = await store.queryEntities({ filter, after, limit });
    const last = page.entities[page.entities.length - 1];
    res.json({
      items: page.entities.map((entity) => selectFields(entity, fields)),
      totalItems: page.total,
      pageInfo:
        page.hasMore && last
          ? { nextCursor: encodeCursor({ after: stringifyEntityRef(last).toLowerCase(), filter, fields }) }
          : {},
    });
  });

  router.get('/entities/by-ref/*ref', async (req, res) => {
    await caller(req);
    checkQueryParams(req.query, []);
    const raw = (req.params as { ref: string[] }).ref.join('/');
    res.json(await getOne(store, parseEntityRef(raw)));
  });

  router.get('/entities/by-name/:kind/:namespace/:name', async (req, res) => {
    await caller(req);
    checkQueryParams(req.query, []);
    const { kind, namespace, name } = req.params;
    res.json(await getOne(store, parseEntityRef(`${kind}:${namespace}/${name}`)));
  });

  router.post('/entities/by-refs', async (req, res) => {
    await caller(req);
    checkQueryParams(req.query, []);
    const parsed = byRefsBody.safeParse(req.body);
    if (!parsed.success) {
      throw new InputError(
        `Invalid body: ${parsed.error.issues.map((i) => (i.path.length ? `'${i.path.join('.')}' ${i.message}` : i.message)).join('; ')}`,
      );
    }
    const fields = parsed.data.fields ? parseFieldList(parsed.data.fields) : undefined;
    const keys = parsed.data.entityRefs.map((ref) => stringifyEntityRef(parseEntityRef(ref)).toLowerCase());
    const entities = await store.getByKeys(keys);
    res.json({ items: entities.map((entity) => (entity ? selectFields(entity, fields) : null)) });
  });

  router.get('/errors', async (req, res) => {
    await caller(req);
    checkQueryParams(req.query, ['limit']);
    res.json({ items: await store.listErrors(parseLimit(req.query.limit)) });
  });

  return router;
}

async function getOne(store: CatalogStore, ref: { kind: string; namespace: string; name: string }): Promise<Entity> {
  const refString = stringifyEntityRef(ref);
  const [entity] = await store.getByKeys([refString.toLowerCase()]);
  if (!entity) {
    throw new NotFoundError(`No entity ${refString}`);
  }
  return entity;
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

function parseLimit(raw: unknown): number {
  if (raw === undefined) {
    return DEFAULT_LIMIT;
  }
  const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw new InputError(`Invalid query: 'limit' must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}
