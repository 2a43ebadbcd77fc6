/**
 * The scope of a service: `root` services exist once per backend, `plugin` services once per plugin.
 *
 * @public
 */
export type ServiceScope = 'root' | 'plugin';

/**
 * A typed reference to a service; features name their dependencies by ref.
 *
 * @public
 */
export interface ServiceRef<
  TService,
  TScope extends ServiceScope = ServiceScope,
  TInstances extends 'singleton' | 'multiton' = 'singleton' | 'multiton',
> {
  readonly id: string;
  readonly scope: TScope;
  readonly multiton: TInstances extends 'multiton' ? true : false;
  /** Type carrier only; never set at runtime. */
  readonly T: TService;
  readonly $$type: '@trellis/ServiceRef';
}

/** The instance type a dependency on a ref resolves to: the service, or an array for multitons. @public */
export type ServiceRefInstance<TRef> =
  TRef extends ServiceRef<infer T, any, 'multiton'> ? T[] : TRef extends ServiceRef<infer T, any, any> ? T : never;

/** A map of dependency names to refs. @public */
export type ServiceDeps = { [name in string]: ServiceRef<unknown> };

/** The resolved instances of a map of dependencies. @public */
export type ResolvedDeps<TDeps extends ServiceDeps> = {
  [name in keyof TDeps]: ServiceRefInstance<TDeps[name]>;
};

/**
 * A typed reference to an extension point: a plugin registers the implementation, its modules
 * use it during initialisation.
 *
 * @public
 */
export interface ExtensionPoint<TExtensionPoint> {
  readonly id: string;
  readonly T: TExtensionPoint;
  readonly $$type: '@trellis/ExtensionPoint';
}

/**
 * Anything that can be passed to `backend.add()`: a plugin, a module or a service factory.
 *
 * @public
 */
export interface BackendFeature {
  readonly $$type: '@trellis/BackendFeature';
}

/**
 * A JSON Schema (draft 2020-12 or 07) for a plugin's configuration key; `default` values are
 * applied, and `visibility: 'secret'` marks values that must never be logged.
 *
 * @public
 */
export type ConfigSchema = { [key: string]: unknown };
