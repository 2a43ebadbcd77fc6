import type { RootConfigService } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';

/** What happens when a plugin fails to start: stop the backend, or run on without the plugin. */
export type BootFailurePolicy = 'abort' | 'continue';

/** The `backend.*` settings that govern start and stop, read once by {@link readStartupOptions}. */
export interface StartupOptions {
  /** `backend.plugins.include`: when set, only these plugins start. */
  include?: string[];
  /** `backend.plugins.exclude`: plugins that do not start. */
  exclude: string[];
  /** `backend.startup.slowPluginWarningMs`: how often plugins still starting are named. */
  slowPluginWarningMs: number;
  /** `backend.lifecycle.shutdownTimeoutMs`: the limit of the whole `stop()`. */
  shutdownTimeoutMs: number;
  /** The boot failure policy of a plugin: its own setting, else the default one, else `abort`. */
  bootFailurePolicy(pluginId: string): BootFailurePolicy;
}

const DEFAULT_SLOW_PLUGIN_WARNING_MS = 5000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/** The options of a backend without config (a wiring used without a rootConfig service). */
export const DEFAULT_STARTUP_OPTIONS: StartupOptions = {
  exclude: [],
  slowPluginWarningMs: DEFAULT_SLOW_PLUGIN_WARNING_MS,
  shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
  bootFailurePolicy: () => 'abort',
};

/**
 * Reads every `backend.*` setting of start-up and shutdown in one place, before any root service
 * but config starts, so a wrong value stops the backend before a port is opened or a database
 * touched.
 */
export function readStartupOptions(config: RootConfigService | undefined): StartupOptions {
  if (!config) {
    return DEFAULT_STARTUP_OPTIONS;
  }
  const defaultPolicy = readPolicy(config, 'backend.startup.default.onPluginBootFailure') ?? 'abort';
  const policies = new Map<string, BootFailurePolicy>();
  for (const pluginId of Object.keys(config.getOptional<object>('backend.startup.plugins') ?? {})) {
    const policy = readPolicy(config, `backend.startup.plugins.${pluginId}.onPluginBootFailure`);
    if (policy) {
      policies.set(pluginId, policy);
    }
  }
  return {
    include: config.getOptionalStringArray('backend.plugins.include'),
    exclude: config.getOptionalStringArray('backend.plugins.exclude') ?? [],
    slowPluginWarningMs:
      config.getOptionalNumber('backend.startup.slowPluginWarningMs') ?? DEFAULT_SLOW_PLUGIN_WARNING_MS,
    shutdownTimeoutMs: config.getOptionalNumber('backend.lifecycle.shutdownTimeoutMs') ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
    bootFailurePolicy: (pluginId) => policies.get(pluginId) ?? defaultPolicy,
  };
}

function readPolicy(config: RootConfigService, key: string): BootFailurePolicy | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined || value === 'abort' || value === 'continue') {
    return value;
  }
  throw new TrellisError(
    'TRELLIS_ERR_CONFIG_TYPE',
    `Invalid onPluginBootFailure '${value}' at '${key}'; use 'abort' or 'continue'`,
  );
}
