import { LoggerService } from '@trellis/backend-plugin-api';
import { InputError } from '@trellis/errors';
import { Entity, LocationSpec, stringifyLocationRef } from '@trellis/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { LocationStore, StoredLocation } from '../database/LocationStore';
import { MutationApplier } from '../processing/MutationApplier';
import { LocationReader } from './LocationReader';

/** Options of {@link LocationsProvider}. */
export interface LocationsProviderOptions {
  locations: LocationStore;
  store: CatalogStore;
  reader: LocationReader;
  applier: MutationApplier;
  logger: LoggerService;
}

/** The provider name the entities of locations are stored under. */
export const LOCATIONS_PROVIDER = 'locations';

/**
 * The catalog's own provider: the entities of every configured and registered location. Each
 * location is read and stored on its own (a full mutation scoped to it), so adding, removing or
 * re-reading one never touches the entities of another, and a URL that answers "not modified"
 * to the etag of its last read keeps its entities without processing them again.
 */
export class LocationsProvider {
  readonly #locations: LocationStore;
  readonly #store: CatalogStore;
  readonly #reader: LocationReader;
  readonly #applier: MutationApplier;
  readonly #logger: LoggerService;

  constructor(options: LocationsProviderOptions) {
    this.#locations = options.locations;
    this.#store = options.store;
    this.#reader = options.reader;
    this.#applier = options.applier;
    this.#logger = options.logger;
  }

  /** Reads every location, and removes the entities of locations that are gone. */
  async refreshAll(signal?: AbortSignal): Promise<void> {
    const started = Date.now();
    const locations = await this.#locations.list();
    const stats = { read: 0, unchanged: 0, entities: 0 };
    for (const location of locations) {
      signal?.throwIfAborted();
      const result = await this.refreshLocation(location, { signal });
      stats.read += result.read;
      stats.unchanged += result.unchanged;
      stats.entities += result.entities;
    }
    // Gone means gone now, not at the start of the run: a location added while the run read the
    // others is in the store's scopes already, and must keep what it read. The scopes are taken
    // before the list, so one added in between is in neither.
    const scopes = await this.#store.scopesOf(LOCATIONS_PROVIDER);
    const current = new Set((await this.#locations.list()).map(refOf));
    for (const scope of scopes) {
      if (!current.has(scope)) {
        await this.#applier.apply(LOCATIONS_PROVIDER, { type: 'full', scope, entities: [], retain: [] });
      }
    }
    this.#logger.info(
      `Read ${locations.length} locations in ${Date.now() - started} ms: ${stats.read} files and URLs read, ${stats.unchanged} URLs unchanged, ${stats.entities} entities`,
      { locations: locations.length, ...stats },
    );
  }

  /**
   * Reads one location and stores what it holds. Unless `force`, URLs are read with the etag of
   * the last read; the etags are kept only once the entities are stored.
   */
  async refreshLocation(
    location: LocationSpec,
    options: { force?: boolean; signal?: AbortSignal } = {},
  ): Promise<{ read: number; unchanged: number; entities: number }> {
    const scope = refOf(location);
    const etags = options.force ? new Map<string, string>() : await this.#locations.etags(scope);
    const result = await this.#reader.read(
      location,
      { etags, storedAt: (key) => this.#store.entitiesAt(LOCATIONS_PROVIDER, scope, key) },
      options.signal,
    );
    options.signal?.throwIfAborted();
    await this.#applier.apply(LOCATIONS_PROVIDER, {
      type: 'full',
      scope,
      entities: result.entities,
      retain: result.retain,
    });
    await this.#locations.setEtags(scope, result.etags);
    return { read: result.read, unchanged: result.unchanged, entities: result.entities.length };
  }

  /**
   * Reads the locations named by `keys` again, ignoring etags: a key may be a location's ref, or
   * the ref of a file or URL read through it.
   */
  async refreshKeys(keys: string[]): Promise<void> {
    const wanted = new Set(keys);
    for (const location of await this.#locations.list()) {
      const scope = refOf(location);
      const etags = await this.#locations.etags(scope);
      const matches =
        wanted.has(scope) ||
        [...etags.keys()].some((key) => wanted.has(key)) ||
        (await this.#store.hasLocationKeys(LOCATIONS_PROVIDER, scope, keys));
      if (matches) {
        await this.refreshLocation(location, { force: true });
      }
    }
  }

  /** The entities a location holds, processed but not stored; any problem is an `InputError` listing them all. */
  async dryRun(location: LocationSpec): Promise<Entity[]> {
    const result = await this.#reader.read(location);
    const { entities, failures } = await this.#applier.process(LOCATIONS_PROVIDER, result.entities);
    const problems = [
      ...result.retain.flatMap((r) => (r.message ? [r.message] : [])),
      ...failures.map((f) => `${f.ref ?? f.locationKey}: ${f.message}`),
    ];
    if (problems.length > 0) {
      throw new InputError(`Location ${refOf(location)} cannot be added: ${problems.join('; ')}`);
    }
    return entities.map((e) => e.entity);
  }

  /** Registers a location and reads it; a location with the same type and target is a `ConflictError`. */
  async add(location: LocationSpec): Promise<{ location: StoredLocation; entities: Entity[] }> {
    const stored = await this.#locations.add(location.type, location.target);
    await this.refreshLocation(stored, { force: true });
    return { location: stored, entities: await this.#store.entitiesOf(LOCATIONS_PROVIDER, refOf(stored)) };
  }

  /** Removes a location and the entities read through it. */
  async remove(location: StoredLocation): Promise<void> {
    await this.#locations.remove(location.id);
    await this.#applier.apply(LOCATIONS_PROVIDER, { type: 'full', scope: refOf(location), entities: [], retain: [] });
  }
}

function refOf(location: LocationSpec): string {
  return stringifyLocationRef(location);
}
