export { createSpecializedBackend } from './createSpecializedBackend';
export type {
  Backend,
  BackendFeatureInput,
  CreateSpecializedBackendOptions,
  PluginState,
  BackendLifecycleState,
} from './types';
export { backendStateServiceRef } from './BackendState';
export type { BackendStateService, PluginStatus } from './BackendState';
export { FeatureGraphError } from './FeatureGraphError';
export {
  DefaultRootLifecycleService,
  rootLifecycleServiceFactory,
  lifecycleServiceFactory,
  isRootLifecycleControl,
} from './lifecycle';
export type { RootLifecycleControl } from './lifecycle';
