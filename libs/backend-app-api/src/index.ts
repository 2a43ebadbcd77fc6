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
export { isRootLifecycleControl } from './rootLifecycleControl';
export type { RootLifecycleControl } from './rootLifecycleControl';
