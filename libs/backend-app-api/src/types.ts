import type { BackendFeature } from '@trellis/backend-plugin-api';

/** A feature, or a module promise whose default export is one (so `import('pkg')` works). @public */
export type BackendFeatureInput = BackendFeature | Promise<{ default: BackendFeature | { default: BackendFeature } }>;

/** A backend: add features, start, stop. @public */
export interface Backend {
  add(feature: BackendFeatureInput): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link createSpecializedBackend}. @public */
export interface CreateSpecializedBackendOptions {
  /** Factories used for services that no added feature provides. */
  defaultServiceFactories: BackendFeature[];
}

/** The state of one plugin as readiness reports it. @public */
export type PluginState = 'pending' | 'starting' | 'ready' | 'failed' | 'stopping' | 'stopped';

/** The state of the whole backend. @public */
export type BackendLifecycleState = 'pending' | 'starting' | 'started' | 'failed' | 'stopping' | 'stopped';
