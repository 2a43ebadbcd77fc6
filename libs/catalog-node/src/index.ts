/**
 * What other plugins and modules use of the catalog: the entity model, a typed API client and its
 * service ref, and the processing extension point, shaped like Backstage's
 * `@backstage/catalog-model` and `@backstage/plugin-catalog-node`.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_NAMESPACE,
  getCompoundEntityRef,
  isValidKind,
  isValidName,
  isValidNamespace,
  parseEntityRef,
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_CHILD_OF,
  RELATION_CONSUMES_API,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_MEMBER,
  RELATION_HAS_PART,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PARENT_OF,
  RELATION_PART_OF,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from './entity';
export type {
  CompoundEntityRef,
  Entity,
  EntityMeta,
  EntityRelation,
  EntityValue,
  ParseEntityRefContext,
} from './entity';
export {
  ANNOTATION_EDIT_URL,
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ANNOTATION_VIEW_URL,
} from './annotations';
export { parseLocationRef, stringifyLocationRef } from './locationRef';
export { locationSpecToLocationEntity, locationSpecToMetadataName } from './locationEntity';
export type { LocationSpec } from './locationRef';
export {
  isApiEntity,
  isComponentEntity,
  isDomainEntity,
  isGroupEntity,
  isLocationEntity,
  isResourceEntity,
  isSystemEntity,
  isUserEntity,
} from './kinds';
export type {
  ApiEntity,
  ApiEntityV1alpha1,
  BuiltInApiVersion,
  ComponentEntity,
  ComponentEntityV1alpha1,
  DomainEntity,
  DomainEntityV1alpha1,
  EntityProfile,
  GroupEntity,
  GroupEntityV1alpha1,
  LocationEntity,
  LocationEntityV1alpha1,
  ResourceEntity,
  ResourceEntityV1alpha1,
  SystemEntity,
  SystemEntityV1alpha1,
  UserEntity,
  UserEntityV1alpha1,
} from './kinds';
export { CatalogClient } from './CatalogClient';
export type {
  CatalogClientOptions,
  CatalogRequestOptions,
  GetEntitiesRequest,
  GetEntitiesResponse,
} from './CatalogClient';
export { catalogServiceRef } from './catalogServiceRef';
export { catalogProcessingExtensionPoint } from './catalogProcessingExtensionPoint';
export type {
  CatalogProcessingExtensionPoint,
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  CatalogProcessorEntityResult,
  CatalogProcessorErrorResult,
  CatalogProcessorLocationResult,
  CatalogProcessorParser,
  CatalogProcessorRefreshKeysResult,
  CatalogProcessorRelationResult,
  CatalogProcessorResult,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
  EntityProviderRefreshOptions,
  EntityRelationSpec,
  PlaceholderResolver,
  PlaceholderResolverParams,
  PlaceholderResolverRead,
  PlaceholderResolverResolveUrl,
  ProcessingErrorEvent,
} from './catalogProcessingExtensionPoint';
export { processingResult } from './processingResult';
export { parseEntityYaml } from './parseEntityYaml';
export type { ParseEntityYamlOptions } from './parseEntityYaml';
export { catalogAnalysisExtensionPoint, catalogLocationsExtensionPoint } from './catalogExtensionPoints';
export type {
  AnalyzeLocationExistingEntity,
  AnalyzeLocationRequest,
  AnalyzeLocationResponse,
  AnalyzeOptions,
  CatalogAnalysisExtensionPoint,
  CatalogLocationsExtensionPoint,
  LocationAnalyzer,
  ScmLocationAnalyzer,
} from './catalogExtensionPoints';
