import { coreServices, createServiceFactory, PluginMetadataService } from '@trellis/backend-plugin-api';
import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { randomUUID } from 'node:crypto';
import { BackendState, backendStateServiceRef } from './BackendState';

/**
 * Services the wiring makes from a plugin's ID alone, which no factory receives: the plugin
 * metadata. The registry builds them per plugin unless a factory for the ref was added, and the
 * graph check counts them as provided. This is their one home.
 */
export const pluginBoundServices: ReadonlyMap<string, (pluginId: string) => unknown> = new Map([
  [coreServices.pluginMetadata.id, (pluginId: string): PluginMetadataService => ({ getId: () => pluginId })],
]);

/**
 * The root services the wiring provides from its own state: backend state and instance metadata
 * (a random ID per backend instance, as Backstage's `getId()`).
 */
export function builtinServiceFactories(state: BackendState): InternalServiceFactory[] {
  const instanceId = randomUUID();
  return [
    createServiceFactory({ service: backendStateServiceRef, deps: {}, factory: () => state }),
    createServiceFactory({
      service: coreServices.rootInstanceMetadata,
      deps: {},
      factory: () => ({
        getId: () => instanceId,
        getInstalledPlugins: async () =>
          state
            .getPlugins()
            .map((p) => ({ pluginId: p.pluginId, modules: p.modules.map((moduleId) => ({ moduleId })) })),
      }),
    }),
  ] as InternalServiceFactory[];
}
