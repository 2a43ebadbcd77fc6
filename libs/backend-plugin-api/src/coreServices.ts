import { createServiceRef } from './createServiceRef';
import type { AuditorService } from './services/AuditorService';
import type { AuthService, HttpAuthService } from './services/AuthService';
import type { CacheService } from './services/CacheService';
import type { RootConfigService } from './services/ConfigService';
import type { DatabaseService } from './services/DatabaseService';
import type { RootDatabaseService } from './services/RootDatabaseService';
import type { DiscoveryService } from './services/DiscoveryService';
import type { RootHealthService } from './services/HealthService';
import type { HttpRouterService, RootHttpRouterService } from './services/HttpRouterService';
import type { LifecycleService, RootLifecycleService } from './services/LifecycleService';
import type { LoggerService, RootLoggerService } from './services/LoggerService';
import type { PluginMetadataService, RootInstanceMetadataService } from './services/MetadataService';
import type { RootSystemMetadataService } from './services/RootSystemMetadataService';
import type { SchedulerService } from './services/SchedulerService';
import type { UrlReaderService } from './services/UrlReaderService';
import type { PermissionsService } from './services/PermissionsService';
import type { PermissionsRegistryService } from './services/PermissionsRegistryService';
import type { UserInfoService } from './services/UserInfoService';

/**
 * References to the core services every backend provides. Depend on them by ref:
 * `deps: { logger: coreServices.logger }`.
 *
 * @public
 */
export const coreServices = {
  rootConfig: createServiceRef<RootConfigService>({ id: 'core.rootConfig', scope: 'root' }),
  rootLogger: createServiceRef<RootLoggerService>({ id: 'core.rootLogger', scope: 'root' }),
  logger: createServiceRef<LoggerService>({ id: 'core.logger' }),
  rootLifecycle: createServiceRef<RootLifecycleService>({ id: 'core.rootLifecycle', scope: 'root' }),
  lifecycle: createServiceRef<LifecycleService>({ id: 'core.lifecycle' }),
  rootHttpRouter: createServiceRef<RootHttpRouterService>({ id: 'core.rootHttpRouter', scope: 'root' }),
  httpRouter: createServiceRef<HttpRouterService>({ id: 'core.httpRouter' }),
  rootHealth: createServiceRef<RootHealthService>({ id: 'core.rootHealth', scope: 'root' }),
  pluginMetadata: createServiceRef<PluginMetadataService>({ id: 'core.pluginMetadata' }),
  rootInstanceMetadata: createServiceRef<RootInstanceMetadataService>({
    id: 'core.rootInstanceMetadata',
    scope: 'root',
  }),
  database: createServiceRef<DatabaseService>({ id: 'core.database' }),
  rootDatabase: createServiceRef<RootDatabaseService>({ id: 'core.rootDatabase', scope: 'root' }),
  cache: createServiceRef<CacheService>({ id: 'core.cache' }),
  scheduler: createServiceRef<SchedulerService>({ id: 'core.scheduler' }),
  discovery: createServiceRef<DiscoveryService>({ id: 'core.discovery' }),
  auth: createServiceRef<AuthService>({ id: 'core.auth' }),
  httpAuth: createServiceRef<HttpAuthService>({ id: 'core.httpAuth' }),
  urlReader: createServiceRef<UrlReaderService>({ id: 'core.urlReader' }),
  auditor: createServiceRef<AuditorService>({ id: 'core.auditor' }),
  rootSystemMetadata: createServiceRef<RootSystemMetadataService>({ id: 'core.rootSystemMetadata', scope: 'root' }),
  permissions: createServiceRef<PermissionsService>({ id: 'core.permissions' }),
  permissionsRegistry: createServiceRef<PermissionsRegistryService>({ id: 'core.permissionsRegistry' }),
  userInfo: createServiceRef<UserInfoService>({ id: 'core.userInfo' }),
} as const;

/** The type of {@link coreServices}. @public */
export type CoreServices = typeof coreServices;
