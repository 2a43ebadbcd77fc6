import { BackendFeature, ResolvedDeps, ServiceDeps, ServiceRef } from './types';

/**
 * A feature that tells the backend how to build one service.
 *
 * @public
 */
export interface ServiceFactory<
  TService = unknown,
  TScope extends 'root' | 'plugin' = 'root' | 'plugin',
> extends BackendFeature {
  readonly featureType: 'service';
  readonly service: ServiceRef<TService, TScope>;
}

/** @internal The runtime shape behind a {@link ServiceFactory}. */
export interface InternalServiceFactory<TService = unknown, TContext = unknown> extends ServiceFactory<TService> {
  readonly deps: ServiceDeps;
  createRootContext?(deps: Record<string, unknown>): TContext | Promise<TContext>;
  factory(deps: Record<string, unknown>, context: TContext): TService | Promise<TService>;
}

/** Options of {@link createServiceFactory} for a root-scoped service. @public */
export interface RootServiceFactoryOptions<TService, TImpl extends TService, TDeps extends ServiceDeps> {
  service: ServiceRef<TService, 'root'>;
  deps: TDeps;
  factory(deps: ResolvedDeps<TDeps>): TImpl | Promise<TImpl>;
}

/**
 * Options of {@link createServiceFactory} for a plugin-scoped service. `createRootContext` runs
 * once per backend with the root-scoped deps; `factory` runs once per plugin and gets that context.
 *
 * @public
 */
export interface PluginServiceFactoryOptions<TService, TImpl extends TService, TDeps extends ServiceDeps, TContext> {
  service: ServiceRef<TService, 'plugin'>;
  deps: TDeps;
  createRootContext?(deps: ResolvedDeps<RootDeps<TDeps>>): TContext | Promise<TContext>;
  factory(deps: ResolvedDeps<TDeps>, context: TContext): TImpl | Promise<TImpl>;
}

/** The root-scoped subset of a dependency map. @public */
export type RootDeps<TDeps extends ServiceDeps> = {
  [name in keyof TDeps as TDeps[name] extends ServiceRef<any, 'root', any> ? name : never]: TDeps[name];
};

/**
 * Creates a factory for a service. Pass it to `backend.add()` to replace the default factory.
 *
 * @public
 */
export function createServiceFactory<TService, TImpl extends TService, TDeps extends ServiceDeps>(
  options: RootServiceFactoryOptions<TService, TImpl, TDeps>,
): ServiceFactory<TService, 'root'>;
export function createServiceFactory<TService, TImpl extends TService, TDeps extends ServiceDeps, TContext = undefined>(
  options: PluginServiceFactoryOptions<TService, TImpl, TDeps, TContext>,
): ServiceFactory<TService, 'plugin'>;
export function createServiceFactory(options: {
  service: ServiceRef<unknown, any, any>;
  deps: ServiceDeps;
  createRootContext?: (...args: any[]) => unknown;
  factory: (...args: any[]) => unknown;
}): ServiceFactory<unknown, any> {
  const factory: InternalServiceFactory = {
    $$type: '@trellis/BackendFeature',
    featureType: 'service',
    service: options.service,
    deps: options.deps,
    createRootContext: options.createRootContext as InternalServiceFactory['createRootContext'],
    factory: options.factory as InternalServiceFactory['factory'],
  };
  return factory;
}
