/**
 * What other plugins and modules use of the catalog: the entity model, a typed API client and its
 * service ref, and the processing extension point.
 *
 * @packageDocumentation
 */
export * from './entity';
export { CatalogClient } from './CatalogClient';
export type {
  CatalogClientOptions,
  CatalogRequestOptions,
  GetEntitiesRequest,
  GetEntitiesResponse,
} from './CatalogClient';
export { catalogServiceRef } from './catalogServiceRef';
export { catalogProcessingExtensionPoint, processingResult } from './catalogProcessingExtensionPoint';
export type {
  CatalogProcessingExtensionPoint,
  CatalogProcessor,
  CatalogProcessorEmit,
  CatalogProcessorResult,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
  LocationSpec,
} from './catalogProcessingExtensionPoint';
