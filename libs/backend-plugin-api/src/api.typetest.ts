// Type tests of the public API: `yarn tsc` compiles this file, nothing runs it. Each
// `@ts-expect-error` must meet an error, so a change that loosens a type fails the check as
// surely as one that breaks a correct use.
import { createBackendFeatureLoader } from './createBackendFeatureLoader';
import { createBackendModule } from './createBackendModule';
import { createBackendPlugin } from './createBackendPlugin';
import { createExtensionPoint } from './createExtensionPoint';
import { createServiceFactory } from './createServiceFactory';
import { createServiceRef } from './createServiceRef';
import { coreServices } from './coreServices';
import type { RootConfigService } from './services/ConfigService';
import type { LoggerService } from './services/LoggerService';
import type { ResolvedDeps, ServiceRef } from './types';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

interface Clock {
  now(): number;
}

export function serviceRefs() {
  const pluginRef = createServiceRef<Clock>({ id: 'test.clock' });
  expectType<Equals<typeof pluginRef, ServiceRef<Clock, 'plugin', 'singleton'>>>();

  const rootRef = createServiceRef<Clock>({ id: 'test.rootClock', scope: 'root' });
  expectType<Equals<typeof rootRef, ServiceRef<Clock, 'root', 'singleton'>>>();

  const manyRef = createServiceRef<Clock>({ id: 'test.clocks', multiton: true });
  expectType<Equals<typeof manyRef, ServiceRef<Clock, 'plugin', 'multiton'>>>();

  // A dependency resolves to the service; a multiton dependency to an array of them.
  type Deps = ResolvedDeps<{ one: typeof pluginRef; many: typeof manyRef; logger: typeof coreServices.logger }>;
  expectType<Equals<Deps, { one: Clock; many: Clock[]; logger: LoggerService }>>();

  // @ts-expect-error a scope is 'root' or 'plugin'
  createServiceRef<Clock>({ id: 'test.bad', scope: 'global' });
}

export function serviceFactories() {
  const clockRef = createServiceRef<Clock>({ id: 'test.clock' });
  const rootClockRef = createServiceRef<Clock>({ id: 'test.rootClock', scope: 'root' });

  createServiceFactory({
    service: clockRef,
    deps: { logger: coreServices.logger },
    factory: ({ logger }) => {
      expectType<Equals<typeof logger, LoggerService>>();
      return { now: () => 1 };
    },
  });

  createServiceFactory({
    service: clockRef,
    deps: {},
    // @ts-expect-error the factory must build the service of its ref
    factory: () => ({ later: () => 1 }),
  });

  // The root context sees only the root-scoped dependencies; the plugin factory gets its result.
  createServiceFactory({
    service: clockRef,
    deps: { rootLogger: coreServices.rootLogger, logger: coreServices.logger },
    createRootContext: (deps) => {
      // @ts-expect-error a plugin-scoped dependency does not exist at root scope
      void deps.logger;
      return { started: deps.rootLogger !== undefined };
    },
    factory: (_deps, context) => {
      expectType<Equals<typeof context, { started: boolean }>>();
      return { now: () => 1 };
    },
  });

  createServiceFactory({
    service: rootClockRef,
    deps: {},
    factory: async () => ({ now: () => 2 }),
  });
}

export function extensionPoints() {
  interface Greeters {
    addGreeter(greet: (name: string) => string): void;
  }
  const greetersExtensionPoint = createExtensionPoint<Greeters>({ id: 'test.greeters' });

  createBackendPlugin({
    pluginId: 'greeting',
    register(env) {
      env.registerExtensionPoint(greetersExtensionPoint, { addGreeter: () => undefined });
      env.registerExtensionPoint({
        extensionPoint: greetersExtensionPoint,
        factory: (context) => {
          expectType<Equals<Parameters<typeof context.reportModuleStartupFailure>[0], { error: Error }>>();
          return { addGreeter: () => undefined };
        },
      });
      // @ts-expect-error a factory must return the extension point's type
      env.registerExtensionPoint({ extensionPoint: greetersExtensionPoint, factory: () => ({ addGreeting: () => 1 }) });
      // @ts-expect-error the implementation must match the extension point's type
      env.registerExtensionPoint(greetersExtensionPoint, { addGreeting: () => undefined });
      env.registerInit({
        deps: { logger: coreServices.logger },
        async init({ logger }) {
          expectType<Equals<typeof logger, LoggerService>>();
        },
      });
    },
  });

  createBackendModule({
    pluginId: 'greeting',
    moduleId: 'loud',
    register(env) {
      env.registerInit({
        deps: { greeters: greetersExtensionPoint, logger: coreServices.logger },
        async init({ greeters, logger }) {
          expectType<Equals<typeof greeters, Greeters>>();
          expectType<Equals<typeof logger, LoggerService>>();
          greeters.addGreeter((name) => `HELLO ${name.toUpperCase()}`);
        },
      });
    },
  });
}

// Feature loaders get their root deps typed and may not ask for plugin-scoped services.
{
  createBackendFeatureLoader({
    deps: { config: coreServices.rootConfig },
    *loader({ config }) {
      expectType<Equals<typeof config, RootConfigService>>();
      yield createBackendPlugin({ pluginId: 'loaded', register() {} });
    },
  });
  createBackendFeatureLoader({
    // @ts-expect-error loaders run before plugins exist: root services only
    deps: { logger: coreServices.logger },
    loader: () => [],
  });
}
