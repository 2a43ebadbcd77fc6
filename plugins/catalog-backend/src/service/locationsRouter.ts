import { AuditorService, HttpAuthService, onFirstUse } from '@trellis/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@trellis/errors';
import { parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import express, { Request, Response, Router } from 'express';
import { z } from 'zod';
import { CatalogStore } from '../database/CatalogStore';
import { LocationStore, StoredLocation } from '../database/LocationStore';
import { LocationsProvider } from '../locations/LocationsProvider';
import { auditedRoute } from './auditedRoute';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const addBody = onFirstUse(() =>
  z
    .object({
      type: z.string().min(1).max(255).optional(),
      target: z.string().min(1).max(2048),
    })
    .strict(),
);

/** Options of {@link createLocationsRouter}. */
export interface LocationsRouterOptions {
  locations: LocationStore;
  store: CatalogStore;
  provider: LocationsProvider;
  httpAuth: HttpAuthService;
  /** Records the writes: locations registered and removed. */
  auditor: AuditorService;
  /**
   * Location types callers may register (`catalogLocationsExtensionPoint`); `['url']` by default.
   * Never `file`: it would let any caller read the backend's disk.
   */
  registrableTypes?: string[];
}

/**
 * The locations API, as `@backstage/catalog-client` calls it. Every route needs user or service
 * credentials.
 *
 * - `GET /locations`: `[{ data: { id, type, target } }]`, configured and registered
 * - `GET /locations/:id`, `GET /locations/by-entity/:kind/:namespace/:name`: the location, or 404
 * - `POST /locations?dryRun=true&onConflict=reject|refresh` `{ type?: 'url', target }`: 201
 *   `{ location, entities, exists? }`; an existing location is a 409 (or read again with `refresh`)
 * - `DELETE /locations/:id`: 204; the entities read through it are removed
 */
export function createLocationsRouter(options: LocationsRouterOptions): Router {
  const { locations, store, provider, httpAuth, auditor } = options;
  const registrable = (options.registrableTypes ?? ['url']).filter((type) => type !== 'file');
  const router = express.Router();
  const caller = (req: Request) => httpAuth.credentials(req, { allow: ['user', 'service'] });
  const authed =
    (handler: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      await caller(req);
      await handler(req, res);
    };

  router.get('/locations', async (req, res) => {
    await caller(req);
    checkQuery(req.query, []);
    res.json((await locations.list()).map((location) => ({ data: served(location) })));
  });

  router.post(
    '/locations',
    authed(
      auditedRoute(
        auditor,
        'location-mutate',
        (req) => ({ actionType: 'create', ...requestedLocation(req) }),
        async (req, res) => {
          checkQuery(req.query, ['dryRun', 'onConflict']);
          const dryRun = parseFlag(req.query.dryRun, 'dryRun');
          const onConflict = parseChoice(req.query.onConflict, 'onConflict', ['reject', 'refresh']) ?? 'reject';
          const spec = parseLocation(req.body, registrable);
          const existing = await locations.findByRef(spec.type, spec.target);
          if (dryRun) {
            const entities = await provider.dryRun(spec);
            res.status(201).json({
              location: existing ? served(existing) : { id: `dry-run:${spec.type}:${spec.target}`, ...spec },
              entities,
              exists: existing !== undefined,
            });
            return;
          }
          if (existing && onConflict === 'refresh') {
            await provider.refreshLocation(existing, { force: true });
            res
              .status(201)
              .json({ location: served(existing), entities: await store.entitiesOf('locations', ref(existing)) });
            return;
          }
          const added = await provider.add(spec);
          res.status(201).json(added);
        },
      ),
    ),
  );

  router.get('/locations/by-entity/:kind/:namespace/:name', async (req, res) => {
    await caller(req);
    checkQuery(req.query, []);
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef(parseEntityRef({ kind, namespace, name }));
    const origin = await store.originOf(entityRef);
    const location = origin ? (await locations.list()).find((l) => ref(l) === origin) : undefined;
    if (!location) {
      throw new NotFoundError(`No location holds the entity ${entityRef}`);
    }
    res.json(served(location));
  });

  router.get('/locations/:id', async (req, res) => {
    await caller(req);
    checkQuery(req.query, []);
    res.json(served(await getLocation(locations, req.params.id)));
  });

  router.delete(
    '/locations/:id',
    authed(
      auditedRoute(
        auditor,
        'location-mutate',
        (req) => ({ actionType: 'delete', id: String(req.params.id) }),
        async (req, res) => {
          checkQuery(req.query, []);
          const location = await getLocation(locations, String(req.params.id));
          if (location.source === 'config') {
            throw new NotAllowedError(
              `Location ${ref(location)} is configured in catalog.locations; remove it from the configuration instead`,
            );
          }
          await provider.remove(location);
          res.status(204).end();
        },
      ),
    ),
  );

  return router;
}

async function getLocation(locations: LocationStore, id: string) {
  const location = UUID.test(id) ? await locations.get(id.toLowerCase()) : undefined;
  if (!location) {
    throw new NotFoundError(`No location with id '${id.slice(0, 100)}'`);
  }
  return location;
}

function served(location: StoredLocation): StoredLocation {
  return { id: location.id, type: location.type, target: location.target };
}

function ref(location: StoredLocation): string {
  return `${location.type}:${location.target}`;
}

function parseLocation(body: unknown, registrable: string[]): { type: string; target: string } {
  const parsed = addBody().safeParse(body);
  if (!parsed.success) {
    throw new InputError(
      `Invalid body: ${parsed.error.issues.map((i) => (i.path.length ? `'${i.path.join('.')}' ${i.message}` : i.message)).join('; ')}`,
    );
  }
  const type = parsed.data.type ?? 'url';
  const target = parsed.data.target.trim();
  if (type === 'file' || !registrable.includes(type)) {
    throw new InputError(
      `Invalid location type '${type}': only ${registrable.length ? registrable.join(', ') : 'no'} locations can be registered; configure other types in catalog.locations`,
    );
  }
  if (target.includes('\0')) {
    throw new InputError('Invalid location target: it contains a NUL character');
  }
  if (type !== 'url') {
    // Read by a module's processor (readLocation), which judges the target.
    return { type, target };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new InputError(`Invalid location target '${target.slice(0, 300)}': expected an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`Invalid location target '${target.slice(0, 300)}': only http and https URLs can be read`);
  }
  if (target.includes('\0')) {
    throw new InputError('Invalid location target: it contains a NUL character');
  }
  return { type, target };
}

function parseFlag(raw: unknown, name: string): boolean {
  const value = parseChoice(raw, name, ['true', 'false']);
  return value === 'true';
}

function parseChoice<T extends string>(raw: unknown, name: string, choices: T[]): T | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (typeof raw !== 'string' || !choices.includes(raw as T)) {
    throw new InputError(`Invalid query: '${name}' must be ${choices.join(' or ')}`);
  }
  return raw as T;
}

function checkQuery(query: object, allowed: string[]): void {
  const unknown = Object.keys(query).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new InputError(
      `Invalid query: unknown parameter(s) ${unknown.map((k) => `'${JSON.stringify(k.slice(0, 100)).slice(1, -1)}'`).join(', ')}; ${allowed.length ? `use ${allowed.join(', ')}` : 'this route takes none'}`,
    );
  }
}

/** The location a registration asks for, for the audit record; whatever the body holds, as text. */
function requestedLocation(req: Request): { type: string | null; target: string | null; dryRun: boolean } {
  const body = req.body as { type?: unknown; target?: unknown } | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 2048) : null);
  return { type: text(body?.type), target: text(body?.target), dryRun: req.query.dryRun === 'true' };
}
