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
