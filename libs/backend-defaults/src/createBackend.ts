import {
  Backend,
  createSpecializedBackend,
  lifecycleServiceFactory,
  rootLifecycleServiceFactory,
} from '@trellis/backend-app-api';
import { BackendFeature } from '@trellis/backend-plugin-api';
import { authServiceFactory, httpAuthServiceFactory } from './services/auth';
import { cacheServiceFactory } from './services/cache';
import { databaseServiceFactory } from './services/database';
import { discoveryServiceFactory } from './services/discovery';
import { metricsServiceFactory } from './services/metrics';
import { httpRouterServiceFactory } from './services/httpRouter';
import { rootConfigServiceFactory } from './services/rootConfig';
import { rootHealthServiceFactory } from './services/rootHealth';
import { rootHttpRouterServiceFactory } from './services/rootHttpRouter';
import { loggerServiceFactory, rootLoggerServiceFactory } from './services/rootLogger';
import { schedulerServiceFactory } from './services/scheduler';
import { urlReaderServiceFactory } from './services/urlReader';

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
  databaseServiceFactory,
  cacheServiceFactory,
  schedulerServiceFactory,
  discoveryServiceFactory,
  authServiceFactory,
  httpAuthServiceFactory,
  urlReaderServiceFactory,
];

/**
 * Creates a backend with the default implementation of every core service.
 *
 * @public
 */
export function createBackend(): Backend {
  return createSpecializedBackend({ defaultServiceFactories });
}
