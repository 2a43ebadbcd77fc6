import { CacheService } from '@trellis/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorResult,
  Entity,
  LocationSpec,
  parseEntityRef,
  parseLocationRef,
  ProcessingErrorEvent,
  stringifyEntityRef,
  stringifyLocationRef,
} from '@trellis/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { builtInRelations, Relation } from './builtInRelations';
import { checkStorable } from './checkStorable';
import { resolvePlaceholders, PlaceholderContext } from './resolvePlaceholders';
import { validateBuiltInKind, validateEnvelope } from './validateEntity';

/** What a provider handed over, with the provider's name and the scope it was applied in. */
export interface ProcessingInput {
  entity: Entity;
  locationKey?: string;
  provider: string;
}

/** An entity ready to store. */
export interface ProcessedEntity {
  entity: Entity;
  ref: string;
  relations: Relation[];
  /** The provider's `locationKey`, or the entity's location ref: what its errors are recorded against. */
  locationKey: string;
  /** A digest of the entity and its relations; it changes whenever they do. */
  hash: string;
}

/** An entity that could not be processed, with the ref it would have had when that is known. */
export interface ProcessingFailure {
  locationKey: string;
  ref?: string;
  message: string;
}

/** Options of {@link EntityProcessor}. */
export interface EntityProcessorOptions {
  processors: CatalogProcessor[];
  /** The plugin's cache, behind each processor's `CatalogProcessorCache`; a memory map when absent. */
  cache?: CacheService;
  placeholders?: PlaceholderContext;
  onError?: (event: ProcessingErrorEvent) => Promise<void> | void;
}

/**
 * Turns what providers hand over into entities to store: validates the envelope, resolves
 * placeholders, runs the processors' pre-processing, checks the kind (built in, or claimed by a
 * processor), runs post-processing and derives the built-in relations. A failure concerns one
 * entity only.
 */
export class EntityProcessor {
  readonly #processors: CatalogProcessor[];
  readonly #cache: CacheService | undefined;
  readonly #memory = new Map<string, unknown>();
  readonly #placeholders: PlaceholderContext | undefined;
  readonly #onError: EntityProcessorOptions['onError'];

  constructor(options: EntityProcessorOptions) {
    // Stable: processors of equal priority keep the order they were added in.
    this.#processors = [...options.processors].sort((a, b) => (a.getPriority?.() ?? 20) - (b.getPriority?.() ?? 20));
    this.#cache = options.cache;
    this.#placeholders = options.placeholders;
    this.#onError = options.onError;
  }

  async process(input: ProcessingInput): Promise<ProcessedEntity | ProcessingFailure> {
    const ref = refOf(input.entity);
    let locationKey = input.locationKey ?? `provider:${input.provider}`;
    try {
      checkStorable(input.entity);
      let entity = validateEnvelope(input.entity);
      const location = locationOf(entity, input.provider);
      locationKey = input.locationKey ?? stringifyLocationRef(location);
      checkLocationKey(locationKey);
      const origin = originOf(entity) ?? location;
      const emitted: CatalogProcessorResult[] = [];
      const emit = (result: CatalogProcessorResult) => void emitted.push(result);
      const entityRef = stringifyEntityRef(entity);
      if (this.#placeholders) {
        entity = await resolvePlaceholders(entity, location, emit, this.#placeholders);
      }
      for (const processor of this.#processors) {
        if (processor.preProcessEntity) {
          entity = await processor.preProcessEntity(
            entity,
            location,
            emit,
            origin,
            this.#cacheFor(processor, entityRef),
          );
        }
      }
      // A processor may have changed the envelope; check it again.
      entity = validateEnvelope(entity);
      if (!validateBuiltInKind(entity) && !(await this.#claimedByProcessor(entity))) {
        throw new Error(
          `unknown kind '${entity.kind}' with apiVersion '${entity.apiVersion}': no built-in kind or processor accepts it`,
        );
      }
      for (const processor of this.#processors) {
        if (processor.postProcessEntity) {
          entity = await processor.postProcessEntity(entity, location, emit, this.#cacheFor(processor, entityRef));
        }
      }
      const errors = emitted.flatMap((r) => (r.type === 'error' ? [String(r.error?.message ?? r.error)] : []));
      if (errors.length > 0) {
        throw new Error(errors.join('; '));
      }
      // Processors may have added anything; what is stored must be storable.
      checkStorable(entity);
      const relations = [
        ...builtInRelations(entity),
        ...emitted.flatMap((r) => (r.type === 'relation' ? [normalise(r.relation)] : [])),
      ];
      const unique = [
        ...new Map(relations.map((r) => [`${r.source.toLowerCase()} ${r.type} ${r.target.toLowerCase()}`, r])).values(),
      ];
      const hash = createHash('sha256')
        .update(JSON.stringify([entity, unique]))
        .digest('hex');
      return { entity, ref: stringifyEntityRef(entity), relations: unique, locationKey, hash };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.#reportError(input.entity, error);
      return { locationKey: safeKey(locationKey), ref, message };
    }
  }

  async #reportError(entity: Entity, error: unknown): Promise<void> {
    if (!this.#onError) {
      return;
    }
    try {
      await this.#onError({
        unprocessedEntity: entity,
        errors: [error instanceof Error ? error : new Error(String(error))],
      });
    } catch {
      // The handler is a module's observer; its failure must not change what the catalog stores.
    }
  }

  async #claimedByProcessor(entity: Entity): Promise<boolean> {
    for (const processor of this.#processors) {
      if (processor.validateEntityKind && (await processor.validateEntityKind(entity))) {
        return true;
      }
    }
    return false;
  }

  #cacheFor(processor: CatalogProcessor, entityRef: string): CatalogProcessorCache {
    const prefix = `processor:${processor.getProcessorName()}:${entityRef}:`;
    const cache = this.#cache;
    const memory = this.#memory;
    return {
      get: async (key) => (cache ? cache.get(prefix + key) : (memory.get(prefix + key) as never)),
      set: async (key, value) => void (cache ? await cache.set(prefix + key, value) : memory.set(prefix + key, value)),
    };
  }
}

/** Relation types as the relations table stores them. */
const RELATION_TYPE = /^[a-zA-Z][a-zA-Z0-9_.-]{0,99}$/;

/**
 * The location an entity says it was read from (`backstage.io/managed-by-location`); an entity
 * of a provider that sets none is located at `provider:<name>`.
 */
function locationOf(entity: Entity, provider: string): LocationSpec {
  const ref = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (ref === undefined) {
    return { type: 'provider', target: provider };
  }
  try {
    return parseLocationRef(ref);
  } catch (error) {
    throw new Error(`the annotation ${ANNOTATION_LOCATION} is invalid: ${(error as Error).message}`);
  }
}

function originOf(entity: Entity): LocationSpec | undefined {
  const ref = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  try {
    return ref === undefined ? undefined : parseLocationRef(ref);
  } catch (error) {
    throw new Error(`the annotation ${ANNOTATION_ORIGIN_LOCATION} is invalid: ${(error as Error).message}`);
  }
}

/** A location key the catalog can record against its entities and errors. */
function checkLocationKey(key: string): void {
  if (typeof key !== 'string' || key.includes('\0') || key.length > 4096) {
    throw new Error(
      'the location of this entity is not one the catalog can store (NUL character, or over 4096 characters)',
    );
  }
}

function safeKey(key: unknown): string {
  return typeof key === 'string' ? key.replaceAll('\0', '\\0').slice(0, 4096) : String(key);
}

/** Whether a processing result is a failure. */
export function isFailure(result: ProcessedEntity | ProcessingFailure): result is ProcessingFailure {
  return 'message' in result;
}

/** The ref an entity would have, when its kind and name are usable, so a failure can name it. */
function refOf(value: unknown): string | undefined {
  const entity = value as Partial<Entity> | undefined;
  const kind = entity?.kind;
  const name = entity?.metadata?.name;
  if (typeof kind !== 'string' || typeof name !== 'string') {
    return undefined;
  }
  try {
    return stringifyEntityRef(parseEntityRef(`${kind}:${entity?.metadata?.namespace ?? 'default'}/${name}`));
  } catch {
    return undefined;
  }
}

function normalise(relation: { source: unknown; type: string; target: unknown }): Relation {
  const parse = (ref: unknown) => {
    try {
      return stringifyEntityRef(parseEntityRef(ref as string));
    } catch {
      throw new Error(`a processor emitted a relation with the malformed ref '${JSON.stringify(ref)}'`);
    }
  };
  if (typeof relation.type !== 'string' || !RELATION_TYPE.test(relation.type)) {
    throw new Error(
      `a processor emitted a relation with the malformed type '${String(relation.type).slice(0, 100)}'; use 1 to 100 letters and digits`,
    );
  }
  return { source: parse(relation.source), type: relation.type, target: parse(relation.target) };
}
