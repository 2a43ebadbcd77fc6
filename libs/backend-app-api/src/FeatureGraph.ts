import type { ServiceRef } from '@trellis/backend-plugin-api';
import type {
  InternalExtensionPointRegistration,
  InternalFeatureRegistration,
  InternalServiceFactory,
  InternalServiceRef,
} from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { checkServiceGraph } from './checkServiceGraph';
import { describe, isExtensionPoint, isServiceRef } from './describeFeature';
import { orderModules } from './orderModules';

/** A plugin with its modules, as found among the added features. */
export interface PluginNode {
  pluginId: string;
  plugin: InternalFeatureRegistration;
  /** The plugin's modules, in the order they initialise (see `orderModules`). */
  modules: InternalFeatureRegistration[];
  /** Extension point ID to the registration that provides it. */
  extensionPoints: Map<
    string,
    { owner: InternalFeatureRegistration; registration: InternalExtensionPointRegistration }
  >;
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
    graph.problems.push(...checkServiceGraph(graph.factories, [...graph.#allRegistrations()]));
    graph.#orderModules();
    return graph;
  }

  /** How many modules the graph's plugins have. */
  moduleCount(): number {
    return [...this.plugins.values()].reduce((n, p) => n + p.modules.length, 0);
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
    for (const registration of reg.extensionPoints) {
      const { ref } = registration;
      const existing = this.#findExtensionPoint(ref.id);
      if (existing) {
        this.#problem(
          'TRELLIS_ERR_DUPLICATE_EXTENSION_POINT',
          `Extension point '${ref.id}' is registered by ${describe(existing.owner)} and again by ${describe(reg)}; register it once`,
        );
        continue;
      }
      node.extensionPoints.set(ref.id, { owner: reg, registration });
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
      for (const dep of Object.values(module.init.deps).filter(isExtensionPoint)) {
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
      pending.push(...Object.values(factory.deps).filter(isServiceRef));
    }
  }

  *#allDependencyRefs(): Generator<ServiceRef<unknown>> {
    for (const list of this.factories.values()) {
      for (const factory of list) {
        yield* Object.values(factory.deps).filter(isServiceRef);
      }
    }
    for (const reg of this.#allRegistrations()) {
      yield* Object.values(reg.init.deps).filter(isServiceRef);
    }
  }

  *#allRegistrations(): Generator<InternalFeatureRegistration> {
    for (const node of this.plugins.values()) {
      yield node.plugin;
      yield* node.modules;
    }
  }

  #orderModules(): void {
    for (const node of this.plugins.values()) {
      const { order, problem } = orderModules(node.modules);
      node.modules = order;
      if (problem) {
        this.problems.push(problem);
      }
    }
  }
}
