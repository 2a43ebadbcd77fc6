import { ExtensionPoint } from './types';

/** Options of {@link createExtensionPoint}. @public */
export interface CreateExtensionPointOptions {
  /** Unique ID, `'<pluginId>.<name>'` by convention, such as `'catalog.processing'`. */
  id: string;
}

/**
 * Creates a reference to an extension point. Define it in the plugin's node-library, so modules
 * can use it without importing the plugin.
 *
 * @public
 */
export function createExtensionPoint<T>(options: CreateExtensionPointOptions): ExtensionPoint<T> {
  return {
    id: options.id,
    $$type: '@trellis/ExtensionPoint',
    get T(): T {
      throw new Error(`ExtensionPoint.T is a type carrier of '${options.id}' and has no value`);
    },
    toString() {
      return `extensionPoint{${options.id}}`;
    },
  } as ExtensionPoint<T>;
}

/**
 * What a per-module extension point factory receives (see `registerExtensionPoint({ extensionPoint,
 * factory })`): the module that uses the implementation can be reported as failed.
 *
 * @public
 */
export interface ExtensionPointFactoryContext {
  /**
   * Reports that the module using this implementation failed to start, because of something it
   * gave through the extension point. Call it before the plugin's `init` returns; the module then
   * fails as if its own `init` had thrown `error`.
   */
  reportModuleStartupFailure(options: { error: Error }): void;
}

/** Options of the per-module form of `registerExtensionPoint`. @public */
export interface ExtensionPointFactoryOptions<TExtensionPoint> {
  extensionPoint: ExtensionPoint<TExtensionPoint>;
  /** Called once for each module that depends on the extension point, with that module's context. */
  factory(context: ExtensionPointFactoryContext): TExtensionPoint;
}

/** @internal A registered extension point: one implementation, or a factory per module. */
export type InternalExtensionPointRegistration =
  | { ref: ExtensionPoint<unknown>; impl: unknown }
  | { ref: ExtensionPoint<unknown>; factory(context: ExtensionPointFactoryContext): unknown };

/** @internal Reads the two forms of `registerExtensionPoint` into one shape. */
export function toExtensionPointRegistration(
  refOrOptions: ExtensionPoint<unknown> | ExtensionPointFactoryOptions<unknown>,
  impl?: unknown,
): InternalExtensionPointRegistration {
  if ('extensionPoint' in refOrOptions && typeof refOrOptions.factory === 'function') {
    return { ref: refOrOptions.extensionPoint, factory: refOrOptions.factory };
  }
  return { ref: refOrOptions as ExtensionPoint<unknown>, impl };
}
