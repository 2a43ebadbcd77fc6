import {
  CatalogProcessor,
  CatalogProcessorResult,
  DeferredEntity,
  Entity,
  LocationSpec,
  parseEntityRef,
  stringifyEntityRef,
} from '@trellis/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { builtInRelations, Relation } from './builtInRelations';
import { checkStorable } from './checkStorable';
import { validateBuiltInKind, validateEnvelope } from './validateEntity';

/** An entity ready to store. */
export interface ProcessedEntity {
  entity: Entity;
  ref: string;
  relations: Relation[];
  location: LocationSpec;
  /** A digest of the entity and its relations; it changes whenever they do. */
  hash: string;
}

/** An entity that could not be processed, with the ref it would have had when that is known. */
export interface ProcessingFailure {
  location: LocationSpec;
  ref?: string;
  message: string;
}

/**
 * Turns what providers hand over into entities to store: validates the envelope, runs the
 * processors' pre-processing, checks the kind (built in, or claimed by a processor), runs
 * post-processing and derives the built-in relations. A failure concerns one entity only.
 */
export class EntityProcessor {
  readonly #processors: CatalogProcessor[];

  constructor(processors: CatalogProcessor[]) {
    this.#processors = processors;
  }

  async process(deferred: DeferredEntity): Promise<ProcessedEntity | ProcessingFailure> {
    const { location } = deferred;
    const ref = refOf(deferred.entity);
    try {
      checkLocation(location);
      checkStorable(deferred.entity);
      let entity = validateEnvelope(deferred.entity);
      const emitted: CatalogProcessorResult[] = [];
      const emit = (result: CatalogProcessorResult) => emitted.push(result);
      let preProcessed = false;
      for (const processor of this.#processors) {
        if (processor.preProcessEntity) {
          entity = await processor.preProcessEntity(entity, location, emit);
          preProcessed = true;
        }
      }
      if (preProcessed) {
        // A processor may have changed the envelope; check it again.
        entity = validateEnvelope(entity);
      }
      if (!validateBuiltInKind(entity) && !(await this.#claimedByProcessor(entity))) {
        throw new Error(
          `unknown kind '${entity.kind}' with apiVersion '${entity.apiVersion}': no built-in kind or processor accepts it`,
        );
      }
      for (const processor of this.#processors) {
        if (processor.postProcessEntity) {
          entity = await processor.postProcessEntity(entity, location, emit);
        }
      }
      const errors = emitted.flatMap((r) => (r.type === 'error' ? [r.message] : []));
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
      return { entity, ref: stringifyEntityRef(entity), relations: unique, location, hash };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { location, ref, message };
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
}

/** Relation types as the relations table stores them. */
const RELATION_TYPE = /^[a-zA-Z][a-zA-Z0-9_.-]{0,99}$/;

/** A location the catalog can record against its entities and errors. */
function checkLocation(location: LocationSpec): void {
  const key = `${location.type}:${location.target}`;
  if (key.includes('\0') || key.length > 4096) {
    throw new Error(
      'the location of this entity is not a path the catalog can store (NUL character, or over 4096 characters)',
    );
  }
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

function normalise(relation: { source: string; type: string; target: string }): Relation {
  const parse = (ref: string) => {
    try {
      return stringifyEntityRef(parseEntityRef(ref));
    } catch {
      throw new Error(`a processor emitted a relation with the malformed ref '${ref}'`);
    }
  };
  if (typeof relation.type !== 'string' || !RELATION_TYPE.test(relation.type)) {
    throw new Error(
      `a processor emitted a relation with the malformed type '${String(relation.type).slice(0, 100)}'; use 1 to 100 letters and digits`,
    );
  }
  return { source: parse(relation.source), type: relation.type, target: parse(relation.target) };
}
