import {
  BackendFeature,
  coreServices,
  createServiceFactory,
  LoggerService,
  RootConfigService,
  ServiceRef,
} from '@trellis/backend-plugin-api';
import type {
  InternalBackendRegistrationFeature,
  InternalFeatureRegistration,
  InternalServiceFactory,
} from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { BackendState, backendStateServiceRef } from './BackendState';
import { guardExtensionPoint } from './extensionPointGuard';
import { describe, FeatureGraph, isExtensionPoint, PluginNode } from './FeatureGraph';
import { FeatureGraphError } from './FeatureGraphError';
import { isRootLifecycleControl, RootLifecycleControl } from './lifecycle';
import { loadFeature } from './loadFeature';
import { ServiceRegistry } from './ServiceRegistry';
import { BackendFeatureInput } from './types';

type BootFailurePolicy = 'abort' | 'continue';

const DEFAULT_SLOW_PLUGIN_WARNING_MS = 5000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Turns added features into a running backend: checks the feature graph, starts root services,
 * then plugins in parallel (each plugin's modules first), then runs startup hooks; stops in
 * reverse. It installs no process handlers: the app decides what a signal does.
 */
export class BackendInitializer {
  readonly #defaults: BackendFeature[];
  readonly #pending: Promise<BackendFeature>[] = [];
  readonly #state = new BackendState();
  #phase: 'idle' | 'starting' | 'started' | 'stopped' = 'idle';
  #startPromise?: Promise<void>;
  #shutdownPromise?: Promise<void>;
  #logger?: LoggerService;
  #lifecycle?: RootLifecycleControl;
  #shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;

  constructor(defaults: BackendFeature[]) {
    this.#defaults = defaults;
  }

  add(input: BackendFeatureInput): void {
    if (this.#phase !== 'idle') {
      throw new TrellisError(
        'TRELLIS_ERR_ADDED_AFTER_START',
        'A feature was added after backend.start() was called; add every plugin, module and service factory before start',
      );
    }
    const loaded = loadFeature(input);
    loaded.catch(() => {});
    this.#pending.push(loaded);
  }

  start(): Promise<void> {
    if (this.#phase !== 'idle') {
      return Promise.reject(new TrellisError('TRELLIS_ERR_INVALID_STATE', 'backend.start() was called twice'));
    }
    this.#phase = 'starting';
    this.#startPromise = this.#start();
    return this.#startPromise;
  }

  async stop(): Promise<void> {
    if (this.#phase === 'idle') {
      this.#phase = 'stopped';
      return;
    }
    const deadlineMs = this.#shutdownTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new TrellisError(
            'TRELLIS_ERR_SHUTDOWN_TIMEOUT',
            `Shutdown did not finish within backend.lifecycle.shutdownTimeoutMs (${deadlineMs}ms); some requests or hooks were cut short`,
          ),
        );
      }, deadlineMs);
      timer.unref();
    });
    try {
      await Promise.race([this.#stopInOrder(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #stopInOrder(): Promise<void> {
    await this.#startPromise?.catch(() => {});
    await this.#shutdown();
  }

  async #start(): Promise<void> {
    const startedAt = performance.now();
    this.#state.setState('starting');
    const graph = await this.#buildGraph();
    const registry = ServiceRegistry.create(graph.factories);
    try {
      await this.#startRootServices(registry);
      await this.#startPlugins(graph, registry);
      await this.#lifecycle?.startup();
    } catch (error) {
      this.#state.setState('failed');
      await this.#shutdown();
      throw error;
    }
    this.#phase = 'started';
    this.#state.setState('started');
    this.#logSummary(graph, performance.now() - startedAt);
  }

  async #buildGraph(): Promise<FeatureGraph> {
    const problems: TrellisError[] = [];
    const settled = await Promise.allSettled(this.#pending);
    const features: BackendFeature[] = [];
    for (const result of settled) {
      if (result.status === 'fulfilled') {
        features.push(result.value);
      } else {
        problems.push(asTrellisError(result.reason, 'TRELLIS_ERR_INVALID_FEATURE'));
      }
    }
    const registrations = this.#collectRegistrations(features, problems);
    const graph = await FeatureGraph.build({
      registrations,
      explicitFactories: features.filter(isServiceFactory),
      defaultFactories: [...this.#builtinFactories(), ...this.#defaults.filter(isServiceFactory)],
    });
    problems.push(...graph.problems);
    if (problems.length > 0) {
      this.#phase = 'stopped';
      this.#state.setState('failed');
      throw new FeatureGraphError(problems);
    }
    for (const node of graph.plugins.values()) {
      this.#state.addPlugin({
        pluginId: node.pluginId,
        modules: node.modules.map((m) => m.moduleId!),
        configSchema: node.plugin.configSchema,
        moduleConfigSchemas: node.modules.flatMap((m) =>
          m.configSchema ? [{ moduleId: m.moduleId!, schema: m.configSchema }] : [],
        ),
      });
    }
    return graph;
  }

  #collectRegistrations(features: BackendFeature[], problems: TrellisError[]) {
    const registrations: InternalFeatureRegistration[] = [];
    for (const feature of features) {
      const internal = feature as InternalBackendRegistrationFeature;
      if (internal.featureType !== 'registrations') {
        continue;
      }
      try {
        registrations.push(...internal.getRegistrations());
      } catch (error) {
        problems.push(asTrellisError(error, 'TRELLIS_ERR_PLUGIN_BOOT_FAILED'));
      }
    }
    return registrations;
  }

  #builtinFactories(): InternalServiceFactory[] {
    const state = this.#state;
    return [
      createServiceFactory({ service: backendStateServiceRef, deps: {}, factory: () => state }),
      createServiceFactory({
        service: coreServices.rootInstanceMetadata,
        deps: {},
        factory: () => ({
          getInstalledPlugins: async () =>
            state
              .getPlugins()
              .map((p) => ({ pluginId: p.pluginId, modules: p.modules.map((moduleId) => ({ moduleId })) })),
        }),
      }),
    ] as InternalServiceFactory[];
  }

  async #startRootServices(registry: ServiceRegistry): Promise<void> {
    if (registry.has(coreServices.rootLogger.id)) {
      this.#logger = await registry.get(coreServices.rootLogger, 'root');
    }
    if (registry.has(coreServices.rootLifecycle.id)) {
      const lifecycle = await registry.get(coreServices.rootLifecycle, 'root');
      this.#lifecycle = isRootLifecycleControl(lifecycle) ? lifecycle : undefined;
    }
    await Promise.all(registry.rootRefs().map((ref) => registry.get(ref, 'root')));
  }

  async #startPlugins(graph: FeatureGraph, registry: ServiceRegistry): Promise<void> {
    const config = registry.has(coreServices.rootConfig.id)
      ? await registry.get(coreServices.rootConfig, 'root')
      : undefined;
    for (const module of graph.orphanModules) {
      this.#logger?.warn(
        `${describe(module)} was added, but plugin '${module.pluginId}' is not; the module is ignored`,
      );
    }
    this.#shutdownTimeoutMs =
      config?.getOptionalNumber('backend.lifecycle.shutdownTimeoutMs') ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const nodes = this.#selectPlugins(config, [...graph.plugins.values()]);
    const policies = new Map(nodes.map((n) => [n.pluginId, readBootPolicy(config, n.pluginId)]));
    const stopWatching = this.#watchSlowPlugins(config);
    try {
      const results = await Promise.allSettled(
        nodes.map((node) => this.#startPlugin(node, registry, policies.get(node.pluginId)!)),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (failures.length > 0) {
        throw failures.length === 1 ? failures[0] : new AggregateBootError(failures);
      }
    } finally {
      stopWatching();
    }
  }

  /**
   * The plugins this backend starts: all added ones, or those of `backend.plugins.include`, minus
   * those of `backend.plugins.exclude`. One build can so serve every part of a split deployment.
   * A plugin left out is not started, not listed as installed and has no routes here; an ID that
   * names no added plugin is a config error, so a typo never silently starts everything.
   */
  #selectPlugins(config: RootConfigService | undefined, nodes: PluginNode[]): PluginNode[] {
    const include = config?.getOptionalStringArray('backend.plugins.include');
    const exclude = config?.getOptionalStringArray('backend.plugins.exclude') ?? [];
    const known = new Set(nodes.map((n) => n.pluginId));
    for (const [key, ids] of [
      ['include', include ?? []],
      ['exclude', exclude],
    ] as const) {
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new TrellisError(
          'TRELLIS_ERR_CONFIG_TYPE',
          `backend.plugins.${key} names ${unknown.map((id) => `'${id}'`).join(', ')}, which this backend does not add; it adds ${[...known].map((id) => `'${id}'`).join(', ')}`,
        );
      }
    }
    const selected = nodes.filter(
      (n) => (include === undefined || include.includes(n.pluginId)) && !exclude.includes(n.pluginId),
    );
    for (const node of nodes.filter((n) => !selected.includes(n))) {
      this.#state.removePlugin(node.pluginId);
      this.#logger?.info(`Plugin '${node.pluginId}' is not started on this backend (backend.plugins)`, {
        plugin: node.pluginId,
      });
    }
    return selected;
  }

  async #startPlugin(node: PluginNode, registry: ServiceRegistry, policy: BootFailurePolicy): Promise<void> {
    const startedAt = performance.now();
    this.#state.updatePlugin(node.pluginId, { state: 'starting' });
    let open = true;
    const isOpen = () => open;
    try {
      for (const module of orderModules(node.modules)) {
        await this.#initFeature(module, node, registry, isOpen);
      }
      await this.#initFeature(node.plugin, node, registry, isOpen);
    } catch (error) {
      open = false;
      const failure = new TrellisError(
        'TRELLIS_ERR_PLUGIN_BOOT_FAILED',
        `Plugin '${node.pluginId}' failed to start (policy onPluginBootFailure: ${policy})`,
        error,
      );
      this.#state.updatePlugin(node.pluginId, { state: 'failed', error: failure });
      this.#logger?.error(failure.message, { plugin: node.pluginId, error });
      if (policy === 'abort') {
        throw failure;
      }
      return;
    }
    open = false;
    const startupMs = Math.round(performance.now() - startedAt);
    this.#state.updatePlugin(node.pluginId, { state: 'ready', startupMs });
    this.#logger?.info(`Plugin '${node.pluginId}' started in ${startupMs}ms`, { plugin: node.pluginId, startupMs });
  }

  async #initFeature(
    reg: InternalFeatureRegistration,
    node: PluginNode,
    registry: ServiceRegistry,
    isOpen: () => boolean,
  ): Promise<void> {
    const entries = await Promise.all(
      Object.entries(reg.init.deps).map(async ([name, dep]) => {
        if (isExtensionPoint(dep)) {
          const provided = node.extensionPoints.get(dep.id)!;
          return [name, guardExtensionPoint(dep.id, provided.impl, isOpen)] as const;
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

  #watchSlowPlugins(config?: RootConfigService): () => void {
    const intervalMs =
      config?.getOptionalNumber('backend.startup.slowPluginWarningMs') ?? DEFAULT_SLOW_PLUGIN_WARNING_MS;
    const startedAt = Date.now();
    const timer = setInterval(() => {
      const waiting = this.#state.getPlugins().filter((p) => p.state === 'starting' || p.state === 'pending');
      if (waiting.length > 0) {
        const names = waiting.map((p) => `'${p.pluginId}'`).join(', ');
        this.#logger?.warn(`Still waiting for plugins to start after ${Date.now() - startedAt}ms: ${names}`);
      }
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  #logSummary(graph: FeatureGraph, totalMs: number): void {
    const plugins = this.#state.getPlugins();
    const parts = plugins.map((p) => `${p.pluginId} ${p.state === 'ready' ? `${p.startupMs}ms` : p.state}`);
    const moduleCount = [...graph.plugins.values()].reduce((n, p) => n + p.modules.length, 0);
    this.#logger?.info(
      `Backend started in ${Math.round(totalMs)}ms with ${plugins.length} plugin(s) and ${moduleCount} module(s): ${parts.join(', ')}`,
      {
        startupMs: Math.round(totalMs),
        plugins: Object.fromEntries(plugins.map((p) => [p.pluginId, p.startupMs ?? p.state])),
      },
    );
  }

  #shutdown(): Promise<void> {
    this.#shutdownPromise ??= (async () => {
      this.#phase = 'stopped';
      this.#state.setState('stopping');
      for (const plugin of this.#state.getPlugins()) {
        if (plugin.state !== 'failed') {
          this.#state.updatePlugin(plugin.pluginId, { state: 'stopping' });
        }
      }
      await this.#lifecycle?.beforeShutdown();
      await this.#lifecycle?.shutdown();
      for (const plugin of this.#state.getPlugins()) {
        if (plugin.state !== 'failed') {
          this.#state.updatePlugin(plugin.pluginId, { state: 'stopped' });
        }
      }
      this.#state.setState('stopped');
    })();
    return this.#shutdownPromise;
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

function isServiceFactory(feature: BackendFeature): feature is InternalServiceFactory {
  return (feature as InternalServiceFactory).featureType === 'service';
}

function asTrellisError(error: unknown, code: TrellisError['code']): TrellisError {
  return TrellisError.is(error) ? error : new TrellisError(code, (error as Error)?.message ?? String(error), error);
}

function readBootPolicy(config: RootConfigService | undefined, pluginId: string): BootFailurePolicy {
  const key = `backend.startup.plugins.${pluginId}.onPluginBootFailure`;
  const value =
    config?.getOptionalString(key) ?? config?.getOptionalString('backend.startup.default.onPluginBootFailure');
  if (value === undefined || value === 'abort' || value === 'continue') {
    return value ?? 'abort';
  }
  throw new TrellisError(
    'TRELLIS_ERR_CONFIG_TYPE',
    `Invalid onPluginBootFailure '${value}' for plugin '${pluginId}' at '${key}'; use 'abort' or 'continue'`,
  );
}

/** Modules that provide extension points initialise before modules that may use them. */
function orderModules(modules: InternalFeatureRegistration[]): InternalFeatureRegistration[] {
  return [...modules].sort((a, b) => Number(b.extensionPoints.length > 0) - Number(a.extensionPoints.length > 0));
}
