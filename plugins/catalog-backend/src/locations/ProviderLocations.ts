import { LoggerService } from '@trellis/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  LocationSpec,
  parseLocationRef,
  stringifyLocationRef,
} from '@trellis/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { LocationStore } from '../database/LocationStore';
import { MutationApplier } from '../processing/MutationApplier';
import { LocationReader, locationTargets } from './LocationReader';

/** Options of {@link ProviderLocations}. */
export interface ProviderLocationsOptions {
  store: CatalogStore;
  locations: LocationStore;
  reader: LocationReader;
  applier: MutationApplier;
  logger: LoggerService;
}

/**
 * Follows the `Location` entities that modules' providers apply (a provider that discovers
 * repositories emits one per catalog file): after each mutation of a provider, the targets of its
 * `Location` entities are read through the URL reader (with the etags of their last read), and
 * what they hold is stored under the provider, one scope per target, as configured locations are.
 * A target no `Location` entity of the provider names any more loses its entities. `file` targets
 * are refused: a provider's data comes from elsewhere and must not make the backend read its disk.
 */
export class ProviderLocations {
  readonly #options: ProviderLocationsOptions;
  /** One follow at a time per provider, in the order they were asked for. */
  readonly #queues = new Map<string, Promise<void>>();

  constructor(options: ProviderLocationsOptions) {
    this.#options = options;
  }

  /** Reads the targets of the provider's `Location` entities; `force` ignores the etags of those it names. */
  async follow(provider: string, force: ReadonlySet<string> = new Set()): Promise<void> {
    const previous = this.#queues.get(provider) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#follow(provider, force));
    this.#queues.set(provider, next);
    try {
      await next;
    } finally {
      if (this.#queues.get(provider) === next) {
        this.#queues.delete(provider);
      }
    }
  }

  /**
   * Reads again, without etags, the targets named by `keys` (their location refs, or the ref of a
   * file or URL read through them) of every provider in `providers`.
   */
  async refreshKeys(providers: string[], keys: string[]): Promise<void> {
    const wanted = new Set(keys);
    const { store, locations } = this.#options;
    for (const provider of providers) {
      const matching = new Set<string>();
      for (const scope of await store.scopesOf(provider)) {
        const etags = await locations.etags(etagScope(provider, scope));
        if (
          wanted.has(scope) ||
          [...etags.keys()].some((key) => wanted.has(key)) ||
          (await store.hasLocationKeys(provider, scope, keys))
        ) {
          matching.add(scope);
        }
      }
      if (matching.size > 0) {
        await this.follow(provider, matching);
      }
    }
  }

  async #follow(provider: string, force: ReadonlySet<string>): Promise<void> {
    const { store, locations, reader, applier, logger } = this.#options;
    const targets = new Map<string, LocationSpec>();
    for (const entity of await store.locationEntitiesOf(provider)) {
      for (const target of locationTargets(entity, baseOf(entity, provider))) {
        if ('refused' in target) {
          logger.warn(`Entity provider '${provider}': ${target.refused}`, { provider });
        } else if (target.type === 'file') {
          logger.warn(`Entity provider '${provider}': a provider's Location may not point at file '${target.target}'`, {
            provider,
          });
        } else {
          targets.set(stringifyLocationRef(target), target);
        }
      }
    }
    for (const [scope, target] of targets) {
      const key = etagScope(provider, scope);
      const etags = force.has(scope) ? new Map<string, string>() : await locations.etags(key);
      const result = await reader.read(target, {
        etags,
        storedAt: (locationKey) => store.entitiesAt(provider, scope, locationKey),
      });
      await applier.apply(provider, { type: 'full', scope, entities: result.entities, retain: result.retain });
      await locations.setEtags(key, result.etags);
    }
    for (const scope of await store.scopesOf(provider)) {
      if (!targets.has(scope)) {
        await applier.apply(provider, { type: 'full', scope, entities: [], retain: [] });
        await locations.setEtags(etagScope(provider, scope), new Map());
      }
    }
  }
}

/** Where a provider's `Location` entity is: its URL, against which relative targets resolve; else the provider. */
function baseOf(entity: Entity, provider: string): LocationSpec {
  const annotation = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (annotation) {
    try {
      const location = parseLocationRef(annotation);
      if (location.type === 'url') {
        return location;
      }
    } catch {
      // Not a location ref: the targets must be absolute.
    }
  }
  return { type: 'provider', target: provider };
}

/** The key the etags of a provider's target are kept under, apart from a configured location with the same ref. */
function etagScope(provider: string, scope: string): string {
  return `provider:${provider}\n${scope}`;
}
