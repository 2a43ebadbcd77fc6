import { BackendFeature, coreServices } from '@trellis/backend-plugin-api';
import { TrellisError } from '@trellis/errors';
import { BackendState } from './BackendState';
import { asTrellisError, collectRegistrations, isServiceFactory } from './collectRegistrations';
import { builtinServiceFactories } from './builtinServices';
import { createStartupLogger, StartupLogger } from './createStartupLogger';
import { describe } from './describeFeature';
import { expandFeatureLoaders } from './expandFeatureLoaders';
import { FeatureGraph, PluginNode } from './FeatureGraph';
import { FeatureGraphError } from './FeatureGraphError';
import { loadFeature } from './loadFeature';
import { DEFAULT_STARTUP_OPTIONS, readStartupOptions, StartupOptions } from './readStartupOptions';
import { isRootLifecycleControl, RootLifecycleControl } from './rootLifecycleControl';
import { selectPlugins } from './selectPlugins';
import { ServiceRegistry } from './ServiceRegistry';
import { startPlugins } from './startPlugin';
import { BackendFeatureInput } from './types';

/**
 * Turns added features into a running backend, in named steps: check the feature graph, read the
 * start-up options and select the plugins, start root services, start plugins in parallel (each
 * plugin's modules first), run startup hooks; stop in reverse. The backend's one state machine is
 * {@link BackendState}. It installs no process handlers: the app decides what a signal does.
 */
export class BackendInitializer {
  readonly #defaults: BackendFeature[];
  readonly #pending: Promise<BackendFeature>[] = [];
  readonly #state = new BackendState();
  #options: StartupOptions = DEFAULT_STARTUP_OPTIONS;
  #startPromise?: Promise<void>;
  #shutdownPromise?: Promise<void>;
  #lifecycle?: RootLifecycleControl;

  constructor(defaults: BackendFeature[]) {
    this.#defaults = defaults;
  }

  add(input: BackendFeatureInput): void {
    if (this.#state.getState() !== 'pending') {
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
    if (this.#state.getState() !== 'pending') {
      return Promise.reject(new TrellisError('TRELLIS_ERR_INVALID_STATE', 'backend.start() was called twice'));
    }
    this.#state.setState('starting');
    this.#startPromise = this.#start();
    return this.#startPromise;
  }

  async stop(): Promise<void> {
    if (this.#state.getState() === 'pending') {
      this.#state.setState('stopped');
    }
    if (this.#state.getState() === 'stopped' && !this.#shutdownPromise) {
      return;
    }
    const deadlineMs = this.#options.shutdownTimeoutMs;
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
    const { graph, loaderRegistry } = await this.#buildGraph();
    const registry = ServiceRegistry.create(graph.factories, { seedFrom: loaderRegistry });
    let log: StartupLogger | undefined;
    try {
      const nodes = await this.#readOptionsAndSelect(graph, registry);
      const logger = await this.#startRootServices(registry);
      const startLog = createStartupLogger({
        logger,
        pluginIds: nodes.map((n) => n.pluginId),
        slowPluginWarningMs: this.#options.slowPluginWarningMs,
      });
      log = startLog;
      this.#logLeftOut(graph, nodes, startLog);
      await startPlugins(
        nodes.map((node) => ({
          node,
          registry,
          log: startLog,
          state: this.#state,
          policy: this.#options.bootFailurePolicy(node.pluginId),
        })),
      );
      await this.#lifecycle?.startup();
    } catch (error) {
      log?.stop();
      this.#state.setState('failed');
      await this.#shutdown();
      throw error;
    }
    this.#state.setState('started');
    log.finished({ totalMs: performance.now() - startedAt, moduleCount: graph.moduleCount() });
  }

  async #buildGraph(): Promise<{ graph: FeatureGraph; loaderRegistry?: ServiceRegistry }> {
    const problems: TrellisError[] = [];
    const added: BackendFeature[] = [];
    for (const result of await Promise.allSettled(this.#pending)) {
      if (result.status === 'fulfilled') {
        added.push(result.value);
      } else {
        problems.push(asTrellisError(result.reason, 'TRELLIS_ERR_INVALID_FEATURE'));
      }
    }
    const defaultFactories = [...builtinServiceFactories(this.#state), ...this.#defaults.filter(isServiceFactory)];
    const { features, registry } = await expandFeatureLoaders(added, defaultFactories, problems);
    const graph = await FeatureGraph.build({
      registrations: collectRegistrations(features, problems),
      explicitFactories: features.filter(isServiceFactory),
      defaultFactories,
    });
    problems.push(...graph.problems);
    if (problems.length > 0) {
      this.#state.setState('failed');
      throw new FeatureGraphError(problems);
    }
    // Plugins' config schemas are collected here, into the backend state the config service reads.
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
    return { graph, loaderRegistry: registry };
  }

  /**
   * Reads the start-up options (only the config service runs before this) and selects the plugins
   * of `backend.plugins`; a wrong value stops the start before any other root service runs.
   */
  async #readOptionsAndSelect(graph: FeatureGraph, registry: ServiceRegistry): Promise<PluginNode[]> {
    const config = registry.has(coreServices.rootConfig.id)
      ? await registry.get(coreServices.rootConfig, 'root')
      : undefined;
    this.#options = readStartupOptions(config);
    const { selected, leftOut } = selectPlugins([...graph.plugins.keys()], this.#options);
    for (const pluginId of leftOut) {
      this.#state.removePlugin(pluginId);
    }
    return selected.map((pluginId) => graph.plugins.get(pluginId)!);
  }

  async #startRootServices(registry: ServiceRegistry) {
    const logger = registry.has(coreServices.rootLogger.id)
      ? await registry.get(coreServices.rootLogger, 'root')
      : undefined;
    if (registry.has(coreServices.rootLifecycle.id)) {
      const lifecycle = await registry.get(coreServices.rootLifecycle, 'root');
      this.#lifecycle = isRootLifecycleControl(lifecycle) ? lifecycle : undefined;
    }
    await Promise.all(registry.rootRefs().map((ref) => registry.get(ref, 'root')));
    return logger;
  }

  #logLeftOut(graph: FeatureGraph, nodes: PluginNode[], log: StartupLogger): void {
    for (const module of graph.orphanModules) {
      log.moduleIgnored(`${describe(module)} was added, but plugin '${module.pluginId}' is not; the module is ignored`);
    }
    for (const pluginId of graph.plugins.keys()) {
      if (!nodes.some((n) => n.pluginId === pluginId)) {
        log.pluginLeftOut(pluginId);
      }
    }
  }

  #shutdown(): Promise<void> {
    this.#shutdownPromise ??= (async () => {
      this.#state.setState('stopping');
      this.#state.updateLivePlugins('stopping');
      await this.#lifecycle?.beforeShutdown();
      await this.#lifecycle?.shutdown();
      this.#state.updateLivePlugins('stopped');
      this.#state.setState('stopped');
    })();
    return this.#shutdownPromise;
  }
}
