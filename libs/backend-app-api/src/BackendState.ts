import { createServiceRef, ConfigSchema } from '@trellis/backend-plugin-api';
import { BackendLifecycleState, PluginState } from './types';

/** What the backend knows of one installed plugin. @public */
export interface PluginStatus {
  pluginId: string;
  modules: string[];
  configSchema?: ConfigSchema;
  /** The config schemas of the plugin's modules, each for the plugin's config key. */
  moduleConfigSchemas?: { moduleId: string; schema: ConfigSchema }[];
  state: PluginState;
  /** Milliseconds the plugin's modules and init took, once started. */
  startupMs?: number;
  error?: Error;
}

/**
 * The live state of the backend and its plugins, kept by the wiring. Health, the root router and
 * the config service read it; plugins should not need it.
 *
 * @public
 */
export interface BackendStateService {
  getState(): BackendLifecycleState;
  getPlugins(): readonly PluginStatus[];
  getPlugin(pluginId: string): PluginStatus | undefined;
}

/** Ref of the built-in {@link BackendStateService}. @public */
export const backendStateServiceRef = createServiceRef<BackendStateService>({
  id: 'core.backendState',
  scope: 'root',
});

/** The moves of the backend's one state machine; anything else is a bug in the wiring. */
const TRANSITIONS: Record<BackendLifecycleState, readonly BackendLifecycleState[]> = {
  pending: ['starting', 'stopped'],
  starting: ['started', 'failed'],
  started: ['stopping'],
  failed: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
};

/**
 * The mutable store behind {@link BackendStateService}, and the one state machine of a backend:
 * the initializer moves it along {@link TRANSITIONS} and decides from it what `add`, `start` and
 * `stop` may do. Only the initializer writes.
 */
export class BackendState implements BackendStateService {
  #state: BackendLifecycleState = 'pending';
  readonly #plugins = new Map<string, PluginStatus>();

  getState(): BackendLifecycleState {
    return this.#state;
  }

  setState(state: BackendLifecycleState): void {
    if (!TRANSITIONS[this.#state].includes(state)) {
      throw new Error(`Backend state cannot move from '${this.#state}' to '${state}'`);
    }
    this.#state = state;
  }

  getPlugins(): readonly PluginStatus[] {
    return [...this.#plugins.values()];
  }

  getPlugin(pluginId: string): PluginStatus | undefined {
    return this.#plugins.get(pluginId);
  }

  addPlugin(status: Omit<PluginStatus, 'state'>): void {
    this.#plugins.set(status.pluginId, { ...status, state: 'pending' });
  }

  removePlugin(pluginId: string): void {
    this.#plugins.delete(pluginId);
  }

  /** Moves every plugin that has not failed to `state` (on shutdown). */
  updateLivePlugins(state: 'stopping' | 'stopped'): void {
    for (const plugin of this.#plugins.values()) {
      if (plugin.state !== 'failed') {
        plugin.state = state;
      }
    }
  }

  updatePlugin(pluginId: string, update: Partial<PluginStatus>): void {
    const current = this.#plugins.get(pluginId);
    if (current) {
      Object.assign(current, update);
    }
  }
}
