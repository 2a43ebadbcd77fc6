import {
  coreServices,
  createServiceFactory,
  createBackendPlugin,
  JsonObject,
  LifecycleServiceHook,
  LoggerService,
} from '@trellis/backend-plugin-api';
import { createSpecializedBackend } from './createSpecializedBackend';

/** A logged line, captured by {@link captureLoggerFactory}. */
export interface LoggedLine {
  level: string;
  message: string;
  meta?: unknown;
}

/** A root logger that records every line; for this package's tests. */
export function captureLoggerFactory(lines: LoggedLine[]) {
  const make = (fields: Record<string, unknown>): LoggerService => ({
    error: (message, meta) => lines.push({ level: 'error', message, meta: { ...fields, ...(meta as object) } }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta: { ...fields, ...(meta as object) } }),
    info: (message, meta) => lines.push({ level: 'info', message, meta: { ...fields, ...(meta as object) } }),
    debug: (message, meta) => lines.push({ level: 'debug', message, meta: { ...fields, ...(meta as object) } }),
    child: (meta) => make({ ...fields, ...meta }),
  });
  return createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => make({}) });
}

/** A root config over plain data, reading dotted keys; for this package's tests. */
export function dataConfigFactory(data: JsonObject) {
  const at = (key: string) =>
    key.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as JsonObject)[k] : undefined), data);
  const typed = (type: string) => (key: string) => {
    const value = at(key);
    if (value !== undefined && typeof value !== type) {
      throw new Error(`Invalid type at '${key}'`);
    }
    return value;
  };
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () =>
      ({
        getOptionalString: typed('string'),
        getOptionalNumber: typed('number'),
        getOptionalBoolean: typed('boolean'),
        getOptionalStringArray: (key: string) => {
          const value = at(key);
          if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
            throw new Error(`Invalid type at '${key}'`);
          }
          return value;
        },
        getOptional: at,
        has: (key: string) => at(key) !== undefined,
      }) as never,
  });
}

/**
 * A root lifecycle for this package's tests, which test the wiring, not a lifecycle: hooks run in
 * order, shutdown hooks in reverse, without time limits. The default implementation and its tests
 * are in `@trellis/backend-defaults`.
 */
export function plainLifecycleFactories() {
  const startup: LifecycleServiceHook[] = [];
  const beforeShutdown: LifecycleServiceHook[] = [];
  const shutdown: LifecycleServiceHook[] = [];
  const runAll = async (hooks: LifecycleServiceHook[]) => {
    for (const hook of hooks) {
      await hook();
    }
  };
  const root = {
    addStartupHook: (hook: LifecycleServiceHook) => void startup.push(hook),
    addBeforeShutdownHook: (hook: LifecycleServiceHook) => void beforeShutdown.push(hook),
    addShutdownHook: (hook: LifecycleServiceHook) => void shutdown.push(hook),
    startup: () => runAll(startup),
    beforeShutdown: () => runAll(beforeShutdown),
    shutdown: () => runAll([...shutdown].reverse()),
  };
  return [
    createServiceFactory({ service: coreServices.rootLifecycle, deps: {}, factory: () => root }),
    createServiceFactory({ service: coreServices.lifecycle, deps: {}, factory: () => root }),
  ];
}

/** A backend with this package's test services: captured logs, config from data, a plain lifecycle. */
export function backendWith(options: { config?: JsonObject; lines?: LoggedLine[] } = {}) {
  return createSpecializedBackend({
    defaultServiceFactories: [
      captureLoggerFactory(options.lines ?? []),
      dataConfigFactory(options.config ?? {}),
      ...plainLifecycleFactories(),
      createServiceFactory({
        service: coreServices.logger,
        deps: { root: coreServices.rootLogger, meta: coreServices.pluginMetadata },
        factory: ({ root, meta }) => root.child({ plugin: meta.getId() }),
      }),
    ],
  });
}

/** A plugin with one init. */
export function plugin(
  pluginId: string,
  init: (deps: any) => Promise<void> = async () => {},
  deps: Record<string, any> = {},
) {
  return createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({ deps, init });
    },
  });
}

/** A promise resolved from outside, for tests that wait for an event. */
export function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
