import { NotFoundError, InputError } from '@trellis/errors';
import { CatalogProcessorResult, EntityRelationSpec } from './catalogProcessingExtensionPoint';
import { Entity } from './entity';
import { LocationSpec } from './locationRef';

/**
 * Builders of processor results, as in `emit(processingResult.relation({ source, type, target }))`.
 *
 * @public
 */
export const processingResult = Object.freeze({
  /** The location does not exist; for an optional location this is no error. */
  notFoundError(atLocation: LocationSpec, message: string): CatalogProcessorResult {
    return { type: 'error', location: atLocation, error: new NotFoundError(message) };
  },
  /** The entity or file is malformed: it is refused and the message recorded. */
  inputError(atLocation: LocationSpec, message: string): CatalogProcessorResult {
    return { type: 'error', location: atLocation, error: new InputError(message) };
  },
  /** Anything else went wrong. */
  generalError(atLocation: LocationSpec, message: string): CatalogProcessorResult {
    return { type: 'error', location: atLocation, error: new Error(message) };
  },
  /** A further location to read (from `readLocation`). */
  location(newLocation: LocationSpec): CatalogProcessorResult {
    return { type: 'location', location: newLocation };
  },
  /** An entity found at a location (from `readLocation`). */
  entity(
    atLocation: LocationSpec,
    newEntity: Entity,
    options?: { locationKey?: string | null },
  ): CatalogProcessorResult {
    return { type: 'entity', location: atLocation, entity: newEntity, locationKey: options?.locationKey };
  },
  /** A relation `source` -[type]-> `target`. */
  relation(spec: EntityRelationSpec): CatalogProcessorResult {
    return { type: 'relation', relation: spec };
  },
  /** A key under which this entity's source can be read again. */
  refresh(key: string): CatalogProcessorResult {
    return { type: 'refresh', key };
  },
});
