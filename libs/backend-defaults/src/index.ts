export { createBackend, defaultServiceFactories } from './createBackend';
export {
  ConfigReader,
  rootConfigServiceFactory,
  createRootConfigServiceFactory,
  loadConfigFiles,
  collectSecretValues,
} from './services/rootConfig';
export {
  WinstonLogger,
  createRootLoggerServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
} from './services/rootLogger';
export type { RootLoggerFactoryOptions, WinstonLoggerOptions } from './services/rootLogger';
export {
  DefaultRootHttpRouter,
  HttpServer,
  errorHandler,
  readHttpOptions,
  createRootHttpRouterServiceFactory,
  rootHttpRouterServiceFactory,
} from './services/rootHttpRouter';
export type {
  CspDirectives,
  ErrorHandlerOptions,
  HttpServerOptions,
  RateLimitOptions,
  DefaultRootHttpRouterOptions,
  RootHttpRouterConfigureContext,
  RootHttpRouterFactoryOptions,
  RootHttpRouterMiddleware,
} from './services/rootHttpRouter';
export { DefaultHttpRouter, createCookieAuthRefreshMiddleware, httpRouterServiceFactory } from './services/httpRouter';
export type { DefaultHttpRouterOptions } from './services/httpRouter';
export { DefaultRootLifecycleService, rootLifecycleServiceFactory } from './services/rootLifecycle';
export { lifecycleServiceFactory } from './services/lifecycle';
export {
  DefaultHttpAuthService,
  authServiceFactory,
  createAuthServiceFactory,
  httpAuthServiceFactory,
  createCredentials,
  isCredentials,
  MIN_STATIC_TOKEN_LENGTH,
} from './services/auth';
export type { AuthServiceFactoryOptions, DefaultHttpAuthServiceOptions } from './services/auth';
export { DefaultRootHealthService, rootHealthServiceFactory } from './services/rootHealth';
export {
  DatabaseManager,
  databaseServiceFactory,
  rootDatabaseServiceFactory,
  isDatabaseUnavailableError,
  readDatabaseConfig,
} from './services/database';
export type { DatabaseClient, PluginDatabaseSettings, PoolSettings } from './services/database';
export { cacheServiceFactory, createCacheStore, NamespacedCache, durationToMs } from './services/cache';
export { DefaultSchedulerService, schedulerServiceFactory } from './services/scheduler';
export type { SchedulerSettings } from './services/scheduler';
export { BackendMetrics, metricsServiceFactory, metricsServiceRef } from './services/metrics';
export type { PoolStats } from './services/metrics';
export { HostDiscovery, discoveryServiceFactory } from './services/discovery';
export {
  urlReaderServiceFactory,
  UrlReaderPredicateMux,
  FetchUrlReader,
  GithubUrlReader,
  GitlabUrlReader,
  BitbucketServerUrlReader,
  DefaultReadTreeResponseFactory,
  readUrlReaderConfig,
  urlReaderDefaults,
} from './services/urlReader';
export type { IntegrationConfig, ReadingAllowRule, ReadTreeLimits, UrlReaderSettings } from './services/urlReader';
export { DefaultAuditorService, auditorServiceFactory, readSeverityLogLevelMappings } from './services/auditor';
export type {
  AuditActor,
  AuditLogLevel,
  DefaultAuditorServiceOptions,
  SeverityLogLevelMappings,
} from './services/auditor';
export { DefaultRootSystemMetadataService, rootSystemMetadataServiceFactory } from './services/rootSystemMetadata';
export {
  DefaultPermissionsService,
  DefaultPermissionsRegistryService,
  permissionsServiceFactory,
  permissionsRegistryServiceFactory,
} from './services/permissions';
export { DefaultUserInfoService, userInfoServiceFactory } from './services/userInfo';
export { ACTIONS_PATH, DefaultActionsRegistryService, actionsRegistryServiceFactory } from './services/actionsRegistry';
export type { DefaultActionsRegistryServiceOptions } from './services/actionsRegistry';
