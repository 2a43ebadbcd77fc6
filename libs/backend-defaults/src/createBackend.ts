import { Backend, createSpecializedBackend } from '@trellis/backend-app-api';
import { BackendFeature } from '@trellis/backend-plugin-api';
import { actionsRegistryServiceFactory } from './services/actionsRegistry';
import { auditorServiceFactory } from './services/auditor';
import { authServiceFactory, httpAuthServiceFactory } from './services/auth';
import { cacheServiceFactory } from './services/cache';
import { databaseServiceFactory, rootDatabaseServiceFactory } from './services/database';
import { discoveryServiceFactory } from './services/discovery';
import { metricsServiceFactory } from './services/metrics';
import { httpRouterServiceFactory } from './services/httpRouter';
import { lifecycleServiceFactory } from './services/lifecycle';
import { rootConfigServiceFactory } from './services/rootConfig';
import { rootHealthServiceFactory } from './services/rootHealth';
import { rootHttpRouterServiceFactory } from './services/rootHttpRouter';
import { rootLifecycleServiceFactory } from './services/rootLifecycle';
import { loggerServiceFactory, rootLoggerServiceFactory } from './services/rootLogger';
import { rootSystemMetadataServiceFactory } from './services/rootSystemMetadata';
import { schedulerServiceFactory } from './services/scheduler';
import { urlReaderServiceFactory } from './services/urlReader';
import { permissionsRegistryServiceFactory, permissionsServiceFactory } from './services/permissions';
import { userInfoServiceFactory } from './services/userInfo';

/**
 * The default factory of every core service. A factory passed to `backend.add()` replaces the
 * default one for its service.
 *
 * @public
 */
export const defaultServiceFactories: BackendFeature[] = [
  rootConfigServiceFactory,
  rootLoggerServiceFactory,
  loggerServiceFactory,
  rootLifecycleServiceFactory,
  lifecycleServiceFactory,
  rootHealthServiceFactory,
  metricsServiceFactory,
  rootHttpRouterServiceFactory,
  httpRouterServiceFactory,
  rootDatabaseServiceFactory,
  databaseServiceFactory,
  cacheServiceFactory,
  schedulerServiceFactory,
  discoveryServiceFactory,
  authServiceFactory,
  httpAuthServiceFactory,
  urlReaderServiceFactory,
  auditorServiceFactory,
  rootSystemMetadataServiceFactory,
  permissionsServiceFactory,
  permissionsRegistryServiceFactory,
  userInfoServiceFactory,
  actionsRegistryServiceFactory,
];

/**
 * Creates a backend with the default implementation of every core service.
 *
 * @public
 */
export function createBackend(): Backend {
  return createSpecializedBackend({ defaultServiceFactories });
}
