import { createExtensionPoint } from '@trellis/backend-plugin-api';
import { CompoundEntityRef, Entity, EntityValue } from './entity';
import { LocationSpec } from './locationRef';

/**
 * An entity as a provider hands it over. `locationKey` names the source it came from (a file,
 * a URL, an API endpoint): the catalog records it with the entity and its errors. The entity's
 * own location is its `backstage.io/managed-by-location` annotation.
 *
 * @public
 */
export interface DeferredEntity {
  entity: Entity;
  locationKey?: string;
}

/**
 * A change of a provider's entities. `full` replaces every entity the provider gave before (so an
 * entity left out is removed); `delta` adds or replaces `added` and removes `removed`, each named
 * by the entity itself or by its ref.
 *
 * @public
 */
export type EntityProviderMutation =
  | { type: 'full'; entities: DeferredEntity[] }
  | {
      type: 'delta';
      added: DeferredEntity[];
      removed: (DeferredEntity | { entityRef: string; locationKey?: string })[];
    };

/** What {@link EntityProviderConnection.refresh} re-reads: the sources named by these keys. @public */
export interface EntityProviderRefreshOptions {
  keys: string[];
}

/** What a provider reports its entities through. @public */
export interface EntityProviderConnection {
  /** Validates, processes and stores the entities; resolves when they are stored. */
  applyMutation(mutation: EntityProviderMutation): Promise<void>;
  /**
   * Asks the catalog to read again the sources named by `keys`: location refs
   * (`url:https://...`), or keys a processor emitted with `processingResult.refresh(key)`.
   * Resolves when they are read and stored.
   */
  refresh(options: EntityProviderRefreshOptions): Promise<void>;
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

/** A relation between two entities, as a processor emits it. @public */
export interface EntityRelationSpec {
  source: CompoundEntityRef;
  type: string;
  target: CompoundEntityRef;
}

/** A further location to read, emitted by `readLocation`. @public */
export interface CatalogProcessorLocationResult {
  type: 'location';
  location: LocationSpec;
}

/** An entity read by `readLocation`. @public */
export interface CatalogProcessorEntityResult {
  type: 'entity';
  entity: Entity;
  location: LocationSpec;
  locationKey?: string | null;
}

/** A relation from the processed entity. @public */
export interface CatalogProcessorRelationResult {
  type: 'relation';
  relation: EntityRelationSpec;
}

/** A problem: the entity (or the location being read) is refused and the message recorded. @public */
export interface CatalogProcessorErrorResult {
  type: 'error';
  error: Error;
  location: LocationSpec;
}

/** A key that {@link EntityProviderConnection.refresh} can name to have this entity's source read again. @public */
export interface CatalogProcessorRefreshKeysResult {
  type: 'refresh';
  key: string;
}

/** A result a processor emits beside the entity it returns. @public */
export type CatalogProcessorResult =
  | CatalogProcessorLocationResult
  | CatalogProcessorEntityResult
  | CatalogProcessorRelationResult
  | CatalogProcessorErrorResult
  | CatalogProcessorRefreshKeysResult;

/** How a processor emits results. @public */
export type CatalogProcessorEmit = (generated: CatalogProcessorResult) => void;

/** Turns the bytes of a catalog file into results (entities, or an error). @public */
export type CatalogProcessorParser = (options: {
  data: Buffer;
  location: LocationSpec;
}) => AsyncIterable<CatalogProcessorResult>;

/**
 * A processor's store between runs over the same entity (an etag, a summary of a fetched file).
 * Values are JSON; they are kept in the plugin's cache service, per processor and entity.
 *
 * @public
 */
export interface CatalogProcessorCache {
  get<ItemType extends EntityValue>(key: string): Promise<ItemType | undefined>;
  set<ItemType extends EntityValue>(key: string, value: ItemType): Promise<void>;
}

/**
 * A step of entity processing. The catalog validates an entity's envelope, runs every processor's
 * `preProcessEntity`, checks the kind (built-in kinds, or a processor's `validateEntityKind`
 * returning true), then runs `postProcessEntity`, and derives the built-in relations. A processor
 * returns the (possibly changed) entity; it reports problems by emitting an error or throwing,
 * which keeps that entity out of the catalog and records the message. `readLocation` reads
 * locations of a type of its own and emits the entities found there.
 *
 * @public
 */
export interface CatalogProcessor {
  getProcessorName(): string;
  /** Reads a location if its type is this processor's; returns false for types it does not read. */
  readLocation?(
    location: LocationSpec,
    optional: boolean,
    emit: CatalogProcessorEmit,
    parser: CatalogProcessorParser,
    cache: CatalogProcessorCache,
  ): Promise<boolean>;
  preProcessEntity?(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
    originLocation: LocationSpec,
    cache: CatalogProcessorCache,
  ): Promise<Entity>;
  /** True if this processor knows and has validated the entity's kind; false or undefined otherwise. */
  validateEntityKind?(entity: Entity): Promise<boolean>;
  postProcessEntity?(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity>;
  /** Processors run in ascending priority (default 20), then in the order they were added. */
  getPriority?(): number;
}

/** What a placeholder resolver reads with and reports through. @public */
export interface PlaceholderResolverParams {
  /** The placeholder's key without `$`: `text` for `{ $text: ./README.md }`. */
  key: string;
  value: EntityValue;
  /** The location ref's target the entity was read from; relative values resolve against it. */
  baseUrl: string;
  read: PlaceholderResolverRead;
  resolveUrl: PlaceholderResolverResolveUrl;
  emit: CatalogProcessorEmit;
}

/** Reads a file or URL the same way the entity's own location was read. @public */
export type PlaceholderResolverRead = (url: string) => Promise<Buffer>;
/** Resolves `url` against `base` (a URL or a file path). @public */
export type PlaceholderResolverResolveUrl = (url: string, base: string) => string;
/** Turns `{ $<key>: value }` into the value to put in its place. @public */
export type PlaceholderResolver = (params: PlaceholderResolverParams) => Promise<EntityValue>;

/** What {@link CatalogProcessingExtensionPoint.setOnProcessingErrorHandler} receives. @public */
export interface ProcessingErrorEvent {
  unprocessedEntity: Entity;
  errors: Error[];
}

/**
 * What modules of the catalog add: entity providers, processors, placeholder resolvers and a
 * handler of processing errors.
 *
 * @public
 */
export interface CatalogProcessingExtensionPoint {
  addProcessor(...processors: Array<CatalogProcessor | Array<CatalogProcessor>>): void;
  addEntityProvider(...providers: Array<EntityProvider | Array<EntityProvider>>): void;
  /** Resolves `{ $<key>: ... }` in entities; replaces a built-in resolver (`text`, `json`, `yaml`) of that key. */
  addPlaceholderResolver(key: string, resolver: PlaceholderResolver): void;
  /** Called for every entity that fails processing, beside the error the catalog records. */
  setOnProcessingErrorHandler(handler: (event: ProcessingErrorEvent) => Promise<void> | void): void;
}

/** The catalog's processing extension point. @public */
export const catalogProcessingExtensionPoint = createExtensionPoint<CatalogProcessingExtensionPoint>({
  id: 'catalog.processing',
});
