import type { ServiceRef } from '@trellis/backend-plugin-api';
import type { InternalFeatureRegistration } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import type { BackendState } from './BackendState';
import type { StartupLogger } from './createStartupLogger';
import { describe, isExtensionPoint } from './describeFeature';
import { guardExtensionPoint } from './extensionPointGuard';
import type { PluginNode } from './FeatureGraph';
import type { BootFailurePolicy } from './readStartupOptions';
import type { ServiceRegistry } from './ServiceRegistry';

/** Options of {@link startPlugin}. */
export interface StartPluginOptions {
  node: PluginNode;
  registry: ServiceRegistry;
  policy: BootFailurePolicy;
  state: BackendState;
  log: StartupLogger;
}

/**
 * Initialises one plugin: its modules in their graph order, then the plugin; extension points are
 * usable until the plugin's own init ends. A failure marks the plugin failed and, under policy
 * `abort`, rejects; under `continue` the backend runs on without it.
 */
export async function startPlugin(options: StartPluginOptions): Promise<void> {
  const { node, state, log, policy } = options;
  const startedAt = performance.now();
  state.updatePlugin(node.pluginId, { state: 'starting' });
  let open = true;
  const isOpen = () => open;
  const reported: ReportedModuleFailure[] = [];
  try {
    for (const module of node.modules) {
      await initFeature(module, options, isOpen, reported);
    }
    await initFeature(node.plugin, options, isOpen, reported);
    const first = reported[0];
    if (first) {
      throw new TrellisError(
        'TRELLIS_ERR_PLUGIN_BOOT_FAILED',
        `${describe(first.module)} failed: ${reported.map((r) => r.error.message).join('; ')}`,
        first.error,
      );
    }
  } catch (error) {
    open = false;
    const failure = new TrellisError(
      'TRELLIS_ERR_PLUGIN_BOOT_FAILED',
      `Plugin '${node.pluginId}' failed to start (policy onPluginBootFailure: ${policy})`,
      error,
    );
    state.updatePlugin(node.pluginId, { state: 'failed', error: failure });
    log.pluginFailed(node.pluginId, failure.message, error);
    if (policy === 'abort') {
      throw failure;
    }
    return;
  }
  open = false;
  const startupMs = Math.round(performance.now() - startedAt);
  state.updatePlugin(node.pluginId, { state: 'ready', startupMs });
  log.pluginStarted(node.pluginId, startupMs);
}

/**
 * Starts plugins in parallel; rejects, once all settled, with the failure of every plugin whose
 * policy is `abort`.
 */
export async function startPlugins(plugins: StartPluginOptions[]): Promise<void> {
  const results = await Promise.allSettled(plugins.map(startPlugin));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
  if (failures.length > 0) {
    throw failures.length === 1 ? failures[0] : new AggregateBootError(failures);
  }
}

/** A module reported failed through its extension point factory's context. */
interface ReportedModuleFailure {
  module: InternalFeatureRegistration;
  error: Error;
}

async function initFeature(
  reg: InternalFeatureRegistration,
  { node, registry }: StartPluginOptions,
  isOpen: () => boolean,
  reported: ReportedModuleFailure[],
): Promise<void> {
  const entries = await Promise.all(
    Object.entries(reg.init.deps).map(async ([name, dep]) => {
      if (isExtensionPoint(dep)) {
        const { registration } = node.extensionPoints.get(dep.id)!;
        // A factory makes this module its own implementation, which can report the module failed.
        const impl =
          'factory' in registration
            ? registration.factory({
                reportModuleStartupFailure: ({ error }) => void reported.push({ module: reg, error }),
              })
            : registration.impl;
        return [name, guardExtensionPoint(dep.id, impl, isOpen)] as const;
      }
      return [name, await registry.get(dep as ServiceRef<unknown>, node.pluginId)] as const;
    }),
  );
  try {
    await reg.init.func(Object.fromEntries(entries));
  } catch (error) {
    if (reg.type === 'module') {
      throw new TrellisError('TRELLIS_ERR_PLUGIN_BOOT_FAILED', `${describe(reg)} failed in init`, error);
    }
    throw error;
  }
}

/** The failures of several plugins that aborted the start. */
class AggregateBootError extends Error {
  readonly errors: unknown[];
  constructor(errors: unknown[]) {
    super(`${errors.length} plugins failed to start:\n${errors.map((e) => `  - ${(e as Error).message}`).join('\n')}`);
    this.name = 'AggregateBootError';
    this.errors = errors;
  }
}
