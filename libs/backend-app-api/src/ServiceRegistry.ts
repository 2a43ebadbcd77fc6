import type { ServiceRef } from '@trellis/backend-plugin-api';
import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { pluginBoundServices } from './builtinServices';

/**
 * Holds the service factories of a backend and builds instances lazily: root services once per
 * backend, plugin services once per plugin, each factory's root context once. Concurrent
 * requests for one instance share one promise.
 */
export class ServiceRegistry {
  readonly #factories: Map<string, InternalServiceFactory[]>;
  readonly #rootInstances = new Map<string, Promise<unknown>>();
  readonly #rootContexts = new Map<InternalServiceFactory, Promise<unknown>>();
  readonly #pluginInstances = new Map<string, Promise<unknown>>();

  private constructor(factories: Map<string, InternalServiceFactory[]>) {
    this.#factories = factories;
  }

  /**
   * Creates a registry from resolved factories, keyed by service ref ID. Root services already
   * built by `seedFrom` (the feature loaders' registry) are taken over, so none is built twice.
   */
  static create(
    factories: Map<string, InternalServiceFactory[]>,
    options?: { seedFrom?: ServiceRegistry },
  ): ServiceRegistry {
    const registry = new ServiceRegistry(factories);
    const seed = options?.seedFrom;
    for (const [key, instance] of seed ? seed.#rootInstances : []) {
      if (factories.has(key.slice(0, key.lastIndexOf('#')))) {
        registry.#rootInstances.set(key, instance);
      }
    }
    return registry;
  }

  /** The IDs of the root services built so far. */
  builtRootServiceIds(): Set<string> {
    return new Set([...this.#rootInstances.keys()].map((key) => key.slice(0, key.lastIndexOf('#'))));
  }

  /** Whether any factory provides the service. */
  has(id: string): boolean {
    return this.#factories.has(id);
  }

  /** The refs of every root-scoped service with a factory. */
  rootRefs(): ServiceRef<unknown>[] {
    return [...this.#factories.values()]
      .filter((list) => list[0].service.scope === 'root')
      .map((list) => list[0].service);
  }

  /** Builds, or returns the built, instance of a service for a plugin (ignored for root refs). */
  get<T>(ref: ServiceRef<T>, pluginId: string): Promise<T> {
    const factories = this.#factories.get(ref.id);
    const bound = pluginBoundServices.get(ref.id);
    if (!factories && bound) {
      return Promise.resolve(bound(pluginId) as T);
    }
    if (!factories) {
      return Promise.reject(
        new TrellisError(
          'TRELLIS_ERR_MISSING_SERVICE',
          `No factory for service '${ref.id}' (requested by '${pluginId}')`,
        ),
      );
    }
    if (ref.multiton) {
      return Promise.all(factories.map((f) => this.#instance(f, pluginId))) as Promise<T>;
    }
    return this.#instance(factories[0], pluginId) as Promise<T>;
  }

  #instance(factory: InternalServiceFactory, pluginId: string): Promise<unknown> {
    if (factory.service.scope === 'root') {
      return this.#memo(this.#rootInstances, `${factory.service.id}#${this.#indexOf(factory)}`, () =>
        this.#build(factory, 'root', async (deps) => factory.factory(deps, undefined)),
      );
    }
    const key = `${pluginId}\0${factory.service.id}#${this.#indexOf(factory)}`;
    return this.#memo(this.#pluginInstances, key, async () => {
      const context = await this.#rootContext(factory);
      return this.#build(factory, pluginId, (deps) => factory.factory(deps, context));
    });
  }

  #rootContext(factory: InternalServiceFactory): Promise<unknown> {
    const existing = this.#rootContexts.get(factory);
    if (existing) {
      return existing;
    }
    const created = (async () => {
      if (!factory.createRootContext) {
        return undefined;
      }
      const rootDeps = Object.fromEntries(Object.entries(factory.deps).filter(([, ref]) => ref.scope === 'root'));
      const deps = await this.#resolveDeps(rootDeps, 'root');
      return this.#wrapFailure(factory, 'root', () => factory.createRootContext!(deps));
    })();
    this.#rootContexts.set(factory, created);
    return created;
  }

  async #build(
    factory: InternalServiceFactory,
    pluginId: string,
    run: (deps: Record<string, unknown>) => unknown,
  ): Promise<unknown> {
    const deps = await this.#resolveDeps(factory.deps, pluginId);
    return this.#wrapFailure(factory, pluginId, () => run(deps));
  }

  async #resolveDeps(deps: Record<string, ServiceRef<unknown>>, pluginId: string) {
    const entries = await Promise.all(
      Object.entries(deps).map(async ([name, ref]) => [name, await this.get(ref, pluginId)] as const),
    );
    return Object.fromEntries(entries);
  }

  async #wrapFailure(factory: InternalServiceFactory, pluginId: string, run: () => unknown) {
    try {
      return await run();
    } catch (error) {
      if (TrellisError.is(error)) {
        throw error;
      }
      const owner = pluginId === 'root' ? 'the backend' : `plugin '${pluginId}'`;
      throw new TrellisError(
        'TRELLIS_ERR_SERVICE_FACTORY_FAILED',
        `Service factory for '${factory.service.id}' failed while creating it for ${owner}`,
        error,
      );
    }
  }

  #indexOf(factory: InternalServiceFactory): number {
    return this.#factories.get(factory.service.id)!.indexOf(factory);
  }

  #memo(cache: Map<string, Promise<unknown>>, key: string, create: () => Promise<unknown>) {
    let value = cache.get(key);
    if (!value) {
      value = create();
      cache.set(key, value);
    }
    return value;
  }
}
