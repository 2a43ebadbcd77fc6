import { createExtensionPoint } from '@trellis/backend-plugin-api';
import { Entity } from './entity';

/**
 * Where an entity was read from: `{ type: 'file', target: '/abs/path/catalog-info.yaml' }`, or
 * a provider's own type and target.
 *
 * @public
 */
export interface LocationSpec {
  type: string;
  target: string;
}

/** An entity as a provider hands it over, with the location it came from. @public */
export interface DeferredEntity {
  entity: Entity;
  /** The location it was read from; file paths in the entity resolve against it. */
  location: LocationSpec;
}

/**
 * A change of a provider's entities. `full` replaces every entity the provider gave before (so an
 * entity left out is removed); `delta` adds or replaces some and removes others by ref.
 * `unreadable` names locations the provider could not read this time: their entities are kept as
 * they were, and the message is recorded as a processing error.
 *
 * @public
 */
export type EntityProviderMutation =
  | { type: 'full'; entities: DeferredEntity[]; unreadable?: { location: LocationSpec; message: string }[] }
  | { type: 'delta'; added: DeferredEntity[]; removed: { entityRef: string }[] };

/** What a provider reports its entities through. @public */
export interface EntityProviderConnection {
  /** Validates, processes and stores the entities; resolves when they are stored. */
  applyMutation(mutation: EntityProviderMutation): Promise<void>;
}

/**
 * A source of entities: the catalog connects it at start and it applies mutations whenever its
 * source changes (on a schedule, from a webhook, ...). The name must be unique and stable: the
 * catalog keeps each provider's entities apart by it.
 *
 * @public
 */
export interface EntityProvider {
  getProviderName(): string;
  connect(connection: EntityProviderConnection): Promise<void>;
}

/** A result a processor emits beside the entity it returns. @public */
export type CatalogProcessorResult =
  { type: 'relation'; relation: { source: string; type: string; target: string } } | { type: 'error'; message: string };

/** How a processor emits relations and errors. @public */
export type CatalogProcessorEmit = (result: CatalogProcessorResult) => void;

/** Builders of processor results, as in `emit(processingResult.relation(...))`. @public */
export const processingResult = Object.freeze({
  /** A relation `source` -[type]-> `target`; both are entity refs. */
  relation(source: string, type: string, target: string): CatalogProcessorResult {
    return { type: 'relation', relation: { source, type, target } };
  },
  /** A problem with the entity: it is not stored, and the message is recorded against it. */
  inputError(message: string): CatalogProcessorResult {
    return { type: 'error', message };
  },
});

/**
 * A step of entity processing. The catalog validates an entity's envelope, runs every processor's
 * `preProcessEntity`, checks the kind (built-in kinds, or a processor's `validateEntityKind`
 * returning true), then runs `postProcessEntity`, and derives the built-in relations. A processor
 * returns the (possibly changed) entity; it reports problems by emitting an error or throwing,
 * which keeps that entity out of the catalog and records the message.
 *
 * @public
 */
export interface CatalogProcessor {
  getProcessorName(): string;
  preProcessEntity?(entity: Entity, location: LocationSpec, emit: CatalogProcessorEmit): Promise<Entity>;
  /** True if this processor knows and has validated the entity's kind; false or undefined otherwise. */
  validateEntityKind?(entity: Entity): Promise<boolean>;
  postProcessEntity?(entity: Entity, location: LocationSpec, emit: CatalogProcessorEmit): Promise<Entity>;
}

/**
 * What modules of the catalog add: entity providers and processors.
 *
 * @public
 */
export interface CatalogProcessingExtensionPoint {
  addEntityProvider(...providers: EntityProvider[]): void;
  addProcessor(...processors: CatalogProcessor[]): void;
}

/** The catalog's processing extension point. @public */
export const catalogProcessingExtensionPoint = createExtensionPoint<CatalogProcessingExtensionPoint>({
  id: 'catalog.processing',
});
