import { BackendInitializer } from './BackendInitializer';
import { Backend, CreateSpecializedBackendOptions } from './types';

/**
 * Creates a backend from a set of default service factories. Most apps use `createBackend()`
 * from `@trellis/backend-defaults`, which calls this with every default.
 *
 * @public
 */
export function createSpecializedBackend(options: CreateSpecializedBackendOptions): Backend {
  const initializer = new BackendInitializer(options.defaultServiceFactories);
  return {
    add: (feature) => initializer.add(feature),
    start: () => initializer.start(),
    stop: () => initializer.stop(),
  };
}
