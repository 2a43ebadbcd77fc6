export { createServiceRef } from './createServiceRef';
export type { CreateServiceRefOptions, ServiceRefOptions } from './createServiceRef';
export { createServiceFactory } from './createServiceFactory';
export type {
  ServiceFactory,
  RootServiceFactoryOptions,
  PluginServiceFactoryOptions,
  RootDeps,
} from './createServiceFactory';
export { createExtensionPoint } from './createExtensionPoint';
export type {
  CreateExtensionPointOptions,
  ExtensionPointFactoryContext,
  ExtensionPointFactoryOptions,
} from './createExtensionPoint';
export { createBackendPlugin } from './createBackendPlugin';
export type { BackendPluginRegistrationPoints, CreateBackendPluginOptions } from './createBackendPlugin';
export { createBackendModule } from './createBackendModule';
export type {
  BackendModuleRegistrationPoints,
  CreateBackendModuleOptions,
  ModuleDeps,
  ResolvedModuleDeps,
} from './createBackendModule';
export { createBackendFeatureLoader } from './createBackendFeatureLoader';
export type { BackendFeatureLoaderResult, CreateBackendFeatureLoaderOptions } from './createBackendFeatureLoader';
export { coreServices } from './coreServices';
export type { CoreServices } from './coreServices';
export { isChildPath, resolveSafeChildPath } from './paths';
export { isDatabaseConflictError } from './isDatabaseConflictError';
export { onFirstUse } from './onFirstUse';
export type {
  ServiceScope,
  ServiceRef,
  ServiceRefInstance,
  ServiceDeps,
  ResolvedDeps,
  ExtensionPoint,
  BackendFeature,
  ConfigSchema,
} from './types';
export type {
  Config,
  RootConfigService,
  JsonValue,
  JsonPrimitive,
  JsonObject,
  JsonArray,
} from './services/ConfigService';
export type { LoggerService, RootLoggerService, LogMeta } from './services/LoggerService';
export type {
  LifecycleService,
  RootLifecycleService,
  LifecycleServiceHook,
  LifecycleServiceHookOptions,
  LifecycleServiceStartupHook,
  LifecycleServiceShutdownHook,
  LifecycleServiceStartupOptions,
  LifecycleServiceShutdownOptions,
} from './services/LifecycleService';
export type {
  HttpRouterService,
  RootHttpRouterService,
  HttpRouterServiceAuthPolicy,
  HttpRouterServiceWebSocketContext,
  HttpRouterServiceWebSocketHandler,
  RootHttpRouterServiceWebSocketHandler,
} from './services/HttpRouterService';
export type { RootHealthService, HealthCheckResult } from './services/HealthService';
export type {
  PluginMetadataService,
  RootInstanceMetadataService,
  RootInstanceMetadataServicePluginInfo,
  InstalledPlugin,
} from './services/MetadataService';
export type { DatabaseService, DatabaseMigrateOptions } from './services/DatabaseService';
export { resolvePackagePath } from './resolvePackagePath';
export { findConfigRoot, resolveConfigPath } from './resolveConfigPath';
export { readSchedulerServiceTaskScheduleDefinitionFromConfig } from './readSchedulerServiceTaskScheduleDefinitionFromConfig';
export type { CacheService, CacheServiceOptions, CacheServiceSetOptions } from './services/CacheService';
export type {
  SchedulerService,
  HumanDuration,
  MillisecondsDuration,
  SchedulerServiceDuration,
  SchedulerServiceTaskFrequency,
  SchedulerServiceTaskScheduleDefinition,
  SchedulerServiceTaskFunction,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskDescriptor,
  SchedulerServiceTaskScheduleDefinitionConfig,
} from './services/SchedulerService';
export type { DiscoveryService } from './services/DiscoveryService';
export type {
  AuthService,
  HttpAuthService,
  Credentials,
  UserPrincipal,
  ServicePrincipal,
  NonePrincipal,
  PrincipalTypes,
  AccessRestrictions,
  BackstageCredentials,
  BackstageUserPrincipal,
  BackstageServicePrincipal,
  BackstageNonePrincipal,
  BackstagePrincipalTypes,
  BackstagePrincipalAccessRestrictions,
} from './services/AuthService';
export type {
  UrlReaderService,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadTreeResponseDirOptions,
  UrlReaderServiceReadTreeResponseFile,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
  UrlReaderServiceSearchResponseFile,
} from './services/UrlReaderService';
export { urlReaderFactoriesServiceRef } from './urlReaderFactoriesServiceRef';
export type {
  ReaderFactory,
  ReadTreeResponseFactory,
  ReadTreeResponseFactoryOptions,
  ReadTreeResponseFactoryFilesOptions,
  UrlReaderPredicateTuple,
} from './urlReaderFactoriesServiceRef';
export type {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEvent,
  AuditorServiceEventSeverityLevel,
} from './services/AuditorService';
export type {
  RootSystemMetadataService,
  RootSystemMetadataServicePluginInfo,
} from './services/RootSystemMetadataService';
export type { RootDatabaseService } from './services/RootDatabaseService';
export type { PermissionsService, PermissionsServiceRequestOptions } from './services/PermissionsService';
export type {
  PermissionsRegistryService,
  PermissionsRegistryServiceAddResourceTypeOptions,
} from './services/PermissionsRegistryService';
export type { UserInfoService, UserInfo } from './services/UserInfoService';
