import { LoggerService } from '@trellis/backend-plugin-api';
import { DeferredEntity, EntityProviderMutation } from '@trellis/plugin-catalog-node';
import { CatalogStore } from '../database/CatalogStore';
import { MutationSummary, RetainedLocation } from '../database/planMutation';
import { EntityProcessor, isFailure, ProcessedEntity, ProcessingFailure } from './EntityProcessor';

/** A mutation as the catalog's own location provider applies it: scoped to one location. */
export interface ScopedMutation {
  type: 'full';
  entities: DeferredEntity[];
  /** The registered or configured location the entities were reached from. */
  scope: string;
  retain: RetainedLocation[];
}

/** Options of {@link MutationApplier}. */
export interface MutationApplierOptions {
  store: CatalogStore;
  processor: EntityProcessor;
  logger: LoggerService;
}

/**
 * The one path every entity takes into the catalog, whoever provides it (files, URLs, modules'
 * providers): processed one by one, then stored in one transaction per mutation.
 */
export class MutationApplier {
  readonly #store: CatalogStore;
  readonly #processor: EntityProcessor;
  readonly #logger: LoggerService;

  constructor(options: MutationApplierOptions) {
    this.#store = options.store;
    this.#processor = options.processor;
    this.#logger = options.logger;
  }

  /** Processes entities without storing them (a dry run of a location, say). */
  async process(
    provider: string,
    deferred: DeferredEntity[],
  ): Promise<{ entities: ProcessedEntity[]; failures: ProcessingFailure[] }> {
    const entities: ProcessedEntity[] = [];
    const failures: ProcessingFailure[] = [];
    for (const item of deferred) {
      const result = await this.#processor.process({ entity: item.entity, locationKey: item.locationKey, provider });
      if (isFailure(result)) {
        failures.push(result);
      } else {
        entities.push(result);
      }
    }
    return { entities, failures };
  }

  /** Processes and stores a provider's mutation, and logs what changed and what was refused. */
  async apply(provider: string, mutation: EntityProviderMutation | ScopedMutation): Promise<MutationSummary> {
    const deferred = mutation.type === 'full' ? mutation.entities : mutation.added;
    const { entities, failures } = await this.process(provider, deferred);
    const scoped = 'scope' in mutation ? mutation : undefined;
    const summary = await this.#store.applyMutation({
      provider,
      mode: mutation.type,
      scope: scoped?.scope,
      entities,
      failures,
      retain: scoped?.retain,
      removeRefs: mutation.type === 'delta' ? mutation.removed.map(refOfRemoved) : undefined,
    });
    this.#logger.info(
      `Entity provider '${provider}' applied a ${mutation.type} mutation${scoped ? ` of ${scoped.scope}` : ''}`,
      { provider, ...summary },
    );
    for (const failure of failures) {
      this.#logger.warn(
        `Catalog entity rejected: ${failure.locationKey}${failure.ref ? ` ${failure.ref}` : ''}: ${failure.message}`,
        { provider },
      );
    }
    return summary;
  }
}

/** The ref of a removed entry: given, or that of the entity given. */
function refOfRemoved(removed: DeferredEntity | { entityRef: string }): string {
  if ('entityRef' in removed && typeof removed.entityRef === 'string') {
    return removed.entityRef;
  }
  const entity = (removed as DeferredEntity).entity;
  const kind = entity?.kind;
  const name = entity?.metadata?.name;
  return typeof kind === 'string' && typeof name === 'string'
    ? `${kind}:${entity.metadata.namespace ?? 'default'}/${name}`
    : '';
}
