import type { ExtensionPoint, ServiceRef } from '@trellis/backend-plugin-api';
import type { InternalFeatureRegistration } from '@trellis/backend-plugin-api/internal';

/** How errors name a plugin or module. */
export function describe(reg: InternalFeatureRegistration): string {
  return reg.type === 'plugin' ? `Plugin '${reg.pluginId}'` : `Module '${reg.moduleId}' for plugin '${reg.pluginId}'`;
}

/** Whether a dependency value is an extension point. */
export function isExtensionPoint(dep: unknown): dep is ExtensionPoint<unknown> {
  return (dep as ExtensionPoint<unknown>)?.$$type === '@trellis/ExtensionPoint';
}

/** Whether a dependency value is a service ref. */
export function isServiceRef(dep: unknown): dep is ServiceRef<unknown> {
  return (dep as ServiceRef<unknown>)?.$$type === '@trellis/ServiceRef';
}
