import type { InternalFeatureRegistration } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { isExtensionPoint } from './describeFeature';

/** The init order of one plugin's modules, or the problem that none exists. */
export interface ModuleOrder {
  order: InternalFeatureRegistration[];
  problem?: TrellisError;
}

/**
 * Orders a plugin's modules for init. A module that registers an extension point collects what
 * other modules add through it, as a plugin does, so it initialises after every module that uses
 * that extension point; modules with no such relation keep the order they were added in. Modules
 * that wait for each other in a circle cannot start: that is reported with the chain.
 */
export function orderModules(modules: InternalFeatureRegistration[]): ModuleOrder {
  const providerOf = new Map<string, InternalFeatureRegistration>();
  for (const module of modules) {
    for (const { ref } of module.extensionPoints) {
      providerOf.set(ref.id, module);
    }
  }
  // A module's prerequisites: the modules that use an extension point it provides.
  const before = new Map(modules.map((m) => [m, [] as InternalFeatureRegistration[]]));
  for (const module of modules) {
    for (const dep of Object.values(module.init.deps)) {
      const provider = isExtensionPoint(dep) ? providerOf.get(dep.id) : undefined;
      if (provider && provider !== module) {
        before.get(provider)!.push(module);
      }
    }
  }
  const order: InternalFeatureRegistration[] = [];
  const visiting: InternalFeatureRegistration[] = [];
  const visit = (module: InternalFeatureRegistration): TrellisError | undefined => {
    if (order.includes(module)) {
      return undefined;
    }
    if (visiting.includes(module)) {
      return cycleProblem([...visiting.slice(visiting.indexOf(module)), module]);
    }
    visiting.push(module);
    for (const prerequisite of before.get(module)!) {
      const problem = visit(prerequisite);
      if (problem) {
        return problem;
      }
    }
    visiting.pop();
    order.push(module);
    return undefined;
  };
  for (const module of modules) {
    const problem = visit(module);
    if (problem) {
      return { order: modules, problem };
    }
  }
  return { order };
}

function cycleProblem(chain: InternalFeatureRegistration[]): TrellisError {
  const pluginId = chain[0].pluginId;
  return new TrellisError(
    'TRELLIS_ERR_MODULE_CYCLE',
    `Modules of plugin '${pluginId}' use each other's extension points in a cycle: ${chain.map((m) => `'${m.moduleId}'`).join(' -> ')}; a module initialises after the modules that use its extension points, so remove one of these uses`,
  );
}
