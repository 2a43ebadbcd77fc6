import type { ExtensionPoint, ServiceRef } from '@trellis/backend-plugin-api';
import type {
  InternalFeatureRegistration,
  InternalServiceFactory,
  InternalServiceRef,
} from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';

/** A plugin with its modules, as found among the added features. */
export interface PluginNode {
  pluginId: string;
  plugin: InternalFeatureRegistration;
  modules: InternalFeatureRegistration[];
  /** Extension point ID to the registration that provides it. */
  extensionPoints: Map<string, { owner: InternalFeatureRegistration; impl: unknown }>;
}

/** Input of {@link FeatureGraph.build}. */
export interface FeatureGraphInput {
  registrations: InternalFeatureRegistration[];
  explicitFactories: InternalServiceFactory[];
  defaultFactories: InternalServiceFactory[];
}

/**
 * The checked graph of features: resolved service factories and plugins with their modules.
 * Building it runs no factory; every problem is collected in `problems`.
 */
export class FeatureGraph {
  readonly factories = new Map<string, InternalServiceFactory[]>();
  readonly plugins = new Map<string, PluginNode>();
  readonly orphanModules: InternalFeatureRegistration[] = [];
  readonly problems: TrellisError[] = [];

  private constructor() {}

  /** Resolves factories (loading refs' default factories) and checks every rule. */
  static async build(input: FeatureGraphInput): Promise<FeatureGraph> {
    const graph = new FeatureGraph();
    graph.#addFactories(input.explicitFactories, input.defaultFactories);
    graph.#addRegistrations(input.registrations);
    await graph.#loadRefDefaultFactories();
    graph.#checkMissingServices();
    graph.#checkScopes();
    graph.#checkCycles();
    return graph;
  }

  #problem(code: TrellisError['code'], message: string): void {
    this.problems.push(new TrellisError(code, message));
  }

  #addFactories(explicit: InternalServiceFactory[], defaults: InternalServiceFactory[]): void {
    for (const factory of explicit) {
      const list = this.factories.get(factory.service.id) ?? [];
      if (list.length > 0 && !factory.service.multiton) {
        this.#problem(
          'TRELLIS_ERR_DUPLICATE_SERVICE_FACTORY',
          `Service '${factory.service.id}' has two explicit factories passed to backend.add(); keep only one`,
        );
        continue;
      }
      this.factories.set(factory.service.id, [...list, factory]);
    }
    for (const factory of defaults) {
      if (!this.factories.has(factory.service.id)) {
        this.factories.set(factory.service.id, [factory]);
      }
    }
  }

  #addRegistrations(registrations: InternalFeatureRegistration[]): void {
    for (const reg of registrations.filter((r) => r.type === 'plugin')) {
      this.#addPlugin(reg);
    }
    for (const reg of registrations.filter((r) => r.type === 'module')) {
      this.#addModule(reg);
    }
    for (const node of this.plugins.values()) {
      this.#checkModuleExtensionPoints(node);
    }
  }

  #addPlugin(reg: InternalFeatureRegistration): void {
    if (this.plugins.has(reg.pluginId)) {
      this.#problem(
        'TRELLIS_ERR_DUPLICATE_PLUGIN',
        `Plugin '${reg.pluginId}' was added twice; each plugin ID may be added once per backend`,
      );
      return;
    }
    // Routes match /api/<pluginId> in any case, so IDs that differ only in case would share them.
    const sameIgnoringCase = [...this.plugins.keys()].find((id) => id.toLowerCase() === reg.pluginId.toLowerCase());
    if (sameIgnoringCase) {
      this.#problem(
        'TRELLIS_ERR_DUPLICATE_PLUGIN',
        `Plugins '${sameIgnoringCase}' and '${reg.pluginId}' differ only in case; plugin IDs must be unique ignoring case, since their routes under /api/ match in any case`,
      );
      return;
    }
    const node: PluginNode = { pluginId: reg.pluginId, plugin: reg, modules: [], extensionPoints: new Map() };
    this.plugins.set(reg.pluginId, node);
    this.#registerExtensionPoints(node, reg);
  }

  #addModule(reg: InternalFeatureRegistration): void {
    const node = this.plugins.get(reg.pluginId);
    if (!node) {
      this.orphanModules.push(reg);
      return;
    }
    if (node.modules.some((m) => m.moduleId === reg.moduleId)) {
      this.#problem(
        'TRELLIS_ERR_DUPLICATE_MODULE',
        `Module '${reg.moduleId}' for plugin '${reg.pluginId}' was added twice; remove one of the backend.add() calls`,
      );
      return;
    }
    node.modules.push(reg);
    this.#registerExtensionPoints(node, reg);
  }

  #registerExtensionPoints(node: PluginNode, reg: InternalFeatureRegistration): void {
    for (const [ref, impl] of reg.extensionPoints) {
      const existing = this.#findExtensionPoint(ref.id);
      if (existing) {
        this.#problem(
          'TRELLIS_ERR_DUPLICATE_EXTENSION_POINT',
          `Extension point '${ref.id}' is registered by ${describe(existing.owner)} and again by ${describe(reg)}; register it once`,
        );
        continue;
      }
      node.extensionPoints.set(ref.id, { owner: reg, impl });
    }
  }

  #findExtensionPoint(id: string) {
    for (const node of this.plugins.values()) {
      const found = node.extensionPoints.get(id);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  #checkModuleExtensionPoints(node: PluginNode): void {
    for (const module of node.modules) {
      for (const dep of Object.values(module.init.deps)) {
        if (dep.$$type !== '@trellis/ExtensionPoint') {
          continue;
        }
        if (node.extensionPoints.has(dep.id)) {
          continue;
        }
        const foreign = this.#findExtensionPoint(dep.id);
        if (foreign) {
          this.#problem(
            'TRELLIS_ERR_FOREIGN_EXTENSION_POINT',
            `${describe(module)} uses extension point '${dep.id}' of plugin '${foreign.owner.pluginId}'; a module may only extend its own plugin, so create it with pluginId '${foreign.owner.pluginId}'`,
          );
        } else {
          this.#problem(
            'TRELLIS_ERR_UNKNOWN_EXTENSION_POINT',
            `${describe(module)} uses extension point '${dep.id}', which plugin '${node.pluginId}' does not register`,
          );
        }
      }
    }
  }

  async #loadRefDefaultFactories(): Promise<void> {
    const pending = [...this.#allDependencyRefs()];
    while (pending.length > 0) {
      const ref = pending.pop() as InternalServiceRef;
      if (this.factories.has(ref.id) || !ref.defaultFactory) {
        continue;
      }
      const factory = (await ref.defaultFactory(ref)) as InternalServiceFactory;
      this.factories.set(ref.id, [factory]);
      pending.push(...Object.values(factory.deps));
    }
  }

  *#allDependencyRefs(): Generator<ServiceRef<unknown>> {
    for (const list of this.factories.values()) {
      for (const factory of list) {
        yield* Object.values(factory.deps);
      }
    }
    for (const reg of this.#allRegistrations()) {
      for (const dep of Object.values(reg.init.deps)) {
        if (dep.$$type === '@trellis/ServiceRef') {
          yield dep as ServiceRef<unknown>;
        }
      }
    }
  }

  *#allRegistrations(): Generator<InternalFeatureRegistration> {
    for (const node of this.plugins.values()) {
      yield node.plugin;
      yield* node.modules;
    }
  }

  #checkMissingServices(): void {
    for (const reg of this.#allRegistrations()) {
      for (const [name, dep] of Object.entries(reg.init.deps)) {
        if (dep.$$type === '@trellis/ServiceRef' && !this.#hasFactory(dep.id)) {
          this.#problem(
            'TRELLIS_ERR_MISSING_SERVICE',
            `${describe(reg)} depends on service '${dep.id}' (as '${name}'), which no factory provides; add its factory with backend.add() or drop the dependency`,
          );
        }
      }
    }
    for (const [id, list] of this.factories) {
      for (const dep of Object.values(list[0].deps)) {
        if (!this.#hasFactory(dep.id)) {
          this.#problem(
            'TRELLIS_ERR_MISSING_SERVICE',
            `Service '${id}' depends on service '${dep.id}', which no factory provides; add its factory with backend.add()`,
          );
        }
      }
    }
  }

  #hasFactory(id: string): boolean {
    return this.factories.has(id) || id === 'core.pluginMetadata';
  }

  #checkScopes(): void {
    for (const [id, list] of this.factories) {
      if (list[0].service.scope !== 'root') {
        continue;
      }
      for (const dep of Object.values(list[0].deps)) {
        if (dep.scope === 'plugin') {
          this.#problem(
            'TRELLIS_ERR_SCOPE_VIOLATION',
            `Root service '${id}' depends on plugin-scoped service '${dep.id}'; a root service exists once per backend, so depend on a root service instead or make '${id}' plugin-scoped`,
          );
        }
      }
    }
  }

  #checkCycles(): void {
    const done = new Set<string>();
    const reported = new Set<string>();
    const visit = (id: string, path: string[]): void => {
      if (path.includes(id)) {
        const cycle = [...path.slice(path.indexOf(id)), id];
        const key = [...cycle.slice(0, -1)].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          this.#problem(
            'TRELLIS_ERR_SERVICE_CYCLE',
            `Services depend on each other in a cycle: ${cycle.map((c) => `'${c}'`).join(' -> ')}; break it by removing one of these dependencies`,
          );
        }
        return;
      }
      if (done.has(id)) {
        return;
      }
      for (const factory of this.factories.get(id) ?? []) {
        for (const dep of Object.values(factory.deps)) {
          visit(dep.id, [...path, id]);
        }
      }
      done.add(id);
    };
    for (const id of this.factories.keys()) {
      visit(id, []);
    }
  }
}

/** How errors name a plugin or module. */
export function describe(reg: InternalFeatureRegistration): string {
  return reg.type === 'plugin' ? `Plugin '${reg.pluginId}'` : `Module '${reg.moduleId}' for plugin '${reg.pluginId}'`;
}

/** Whether a dependency value is an extension point. */
export function isExtensionPoint(dep: unknown): dep is ExtensionPoint<unknown> {
  return (dep as ExtensionPoint<unknown>)?.$$type === '@trellis/ExtensionPoint';
}
