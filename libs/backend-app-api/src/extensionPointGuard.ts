import { TrellisError } from '@trellis/errors';

/**
 * Wraps an extension point implementation so that calling it after `isOpen()` turns false throws:
 * extension points are for registration and initialisation only.
 */
export function guardExtensionPoint<T>(id: string, impl: T, isOpen: () => boolean): T {
  if (typeof impl !== 'object' || impl === null) {
    return impl;
  }
  return new Proxy(impl as object, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => {
        if (!isOpen()) {
          throw new TrellisError(
            'TRELLIS_ERR_EXTENSION_POINT_CLOSED',
            `Extension point '${id}' was used after its plugin initialised; use it only inside a module's init`,
          );
        }
        return value.apply(target, args);
      };
    },
  }) as T;
}
