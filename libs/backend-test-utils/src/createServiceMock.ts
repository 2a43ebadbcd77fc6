import { createServiceFactory, ServiceFactory, ServiceRef } from '@trellis/backend-plugin-api';

/**
 * A service whose methods are `jest.fn()` mocks, with `factory` to install exactly this object in
 * `startTestBackend`.
 *
 * @public
 */
export type ServiceMock<TService> = { factory: ServiceFactory<TService> } & {
  [Key in keyof TService]: TService[Key] extends (...args: infer Args) => infer Return
    ? TService[Key] & jest.MockInstance<Return, Args>
    : TService[Key];
};

function jestFn(): jest.Mock {
  // Jest hands every module it loads its own `jest` object; outside Jest there is none.
  if (typeof jest === 'undefined') {
    throw new Error('Service mocks are made of jest.fn(); create them inside a Jest test file');
  }
  return jest.fn();
}

/**
 * Makes the `.mock(partialImpl?)` helper of a service: every method in `methods` is a `jest.fn()`,
 * the ones in `partialImpl` with that implementation, and non-function values of `partialImpl`
 * are copied as they are.
 *
 * @public
 */
export function createServiceMock<TService>(
  ref: ServiceRef<TService, 'root' | 'plugin', 'singleton'>,
  methods: ReadonlyArray<keyof TService & string>,
): (partialImpl?: Partial<TService>) => ServiceMock<TService> {
  return (partialImpl) => {
    const mock: Record<string, unknown> = {};
    for (const method of methods) {
      mock[method] = jestFn();
    }
    for (const [key, value] of Object.entries(partialImpl ?? {})) {
      if (typeof value === 'function') {
        mock[key] = jestFn().mockImplementation(value as (...args: unknown[]) => unknown);
      } else {
        mock[key] = value;
      }
    }
    const factory = createServiceFactory({
      service: ref as ServiceRef<TService, 'root'>,
      deps: {},
      factory: () => mock as TService,
    });
    return Object.assign(mock, { factory }) as unknown as ServiceMock<TService>;
  };
}
