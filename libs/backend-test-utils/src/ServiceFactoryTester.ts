import { lifecycleServiceFactory, loggerServiceFactory, rootLifecycleServiceFactory } from '@trellis/backend-defaults';
import { coreServices, createServiceFactory, ServiceFactory, ServiceRef } from '@trellis/backend-plugin-api';
import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { TrellisError } from '@trellis/errors';
import { mockServices } from './mockServices';

/** Options of {@link ServiceFactoryTester.from}. @public */
export interface ServiceFactoryTesterOptions {
  /** Factories of the services the subject depends on; they replace the test defaults. */
  dependencies?: ServiceFactory[];
}

const DEFAULT_PLUGIN_ID = 'test';

/**
 * Builds the service of one factory, with its dependencies, outside a backend: for testing a
 * service factory on its own. Dependencies default to the test services (config from no data, a
 * quiet logger, the lifecycle, mock auth); root instances are built once per tester, plugin
 * instances once per plugin ID.
 *
 * @public
 */
export class ServiceFactoryTester<TService> {
  readonly #subject: InternalServiceFactory;
  readonly #factories = new Map<string, InternalServiceFactory[]>();
  readonly #instances = new Map<string, Promise<unknown>>();
  readonly #contexts = new Map<InternalServiceFactory, Promise<unknown>>();

  private constructor(subject: InternalServiceFactory, dependencies: InternalServiceFactory[]) {
    this.#subject = subject;
    const defaults = [
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => mockServices.rootConfig(),
      }),
      mockServices.rootLogger.factory(),
      loggerServiceFactory,
      rootLifecycleServiceFactory,
      lifecycleServiceFactory,
      mockServices.auth.factory(),
      mockServices.httpAuth.factory(),
    ] as InternalServiceFactory[];
    for (const factory of [...defaults, ...dependencies]) {
      this.#factories.set(factory.service.id, [factory]);
    }
    const own = subject.service.multiton ? [...(this.#factories.get(subject.service.id) ?? []), subject] : [subject];
    this.#factories.set(subject.service.id, own);
  }

  static from<TService>(
    subject: ServiceFactory<TService>,
    options: ServiceFactoryTesterOptions = {},
  ): ServiceFactoryTester<TService> {
    return new ServiceFactoryTester<TService>(
      subject as InternalServiceFactory,
      (options.dependencies ?? []) as InternalServiceFactory[],
    );
  }

  /** The subject's service: the root instance, or the instance of plugin `pluginId` ('test'). */
  getSubject(pluginId: string = DEFAULT_PLUGIN_ID): Promise<TService> {
    return this.#build(this.#subject, pluginId) as Promise<TService>;
  }

  /** Any service the tester can build, such as one the subject depends on. */
  getService<T>(ref: ServiceRef<T>, pluginId: string = DEFAULT_PLUGIN_ID): Promise<T> {
    if (ref.id === coreServices.pluginMetadata.id && !this.#factories.has(ref.id)) {
      return Promise.resolve({ getId: () => pluginId } as T);
    }
    const factories = this.#factories.get(ref.id);
    if (!factories) {
      return Promise.reject(
        new TrellisError(
          'TRELLIS_ERR_MISSING_SERVICE',
          `No factory for service '${ref.id}'; pass one in ServiceFactoryTester.from(subject, { dependencies })`,
        ),
      );
    }
    const instances = factories.map((f) => this.#build(f, pluginId));
    return (ref.multiton ? Promise.all(instances) : instances[0]) as Promise<T>;
  }

  #build(factory: InternalServiceFactory, pluginId: string): Promise<unknown> {
    const root = factory.service.scope === 'root';
    const key = `${factory.service.id}#${[...this.#factories.get(factory.service.id)!].indexOf(factory)}@${root ? '' : pluginId}`;
    let instance = this.#instances.get(key);
    if (!instance) {
      instance = this.#create(factory, pluginId, root);
      this.#instances.set(key, instance);
    }
    return instance;
  }

  async #create(factory: InternalServiceFactory, pluginId: string, root: boolean): Promise<unknown> {
    const deps: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(factory.deps)) {
      if (root && ref.scope !== 'root') {
        throw new TrellisError(
          'TRELLIS_ERR_SCOPE_VIOLATION',
          `Root service '${factory.service.id}' cannot depend on plugin service '${ref.id}'`,
        );
      }
      deps[name] = await this.getService(ref, pluginId);
    }
    if (root) {
      return factory.factory(deps, undefined);
    }
    let context = this.#contexts.get(factory);
    if (!context) {
      const rootDeps = Object.fromEntries(
        Object.entries(factory.deps)
          .filter(([, ref]) => ref.scope === 'root')
          .map(([name]) => [name, deps[name]]),
      );
      context = Promise.resolve(factory.createRootContext?.(rootDeps));
      this.#contexts.set(factory, context);
    }
    return factory.factory(deps, await context);
  }
}
