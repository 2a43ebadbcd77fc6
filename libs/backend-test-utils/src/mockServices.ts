import {
  auditorServiceFactory,
  cacheServiceFactory,
  ConfigReader,
  createRootConfigServiceFactory,
  DefaultAuditorService,
  DefaultHttpAuthService,
  discoveryServiceFactory,
  httpAuthServiceFactory,
  httpRouterServiceFactory,
  lifecycleServiceFactory,
  loggerServiceFactory,
  readSeverityLogLevelMappings,
  rootHealthServiceFactory,
  rootHttpRouterServiceFactory,
  rootLifecycleServiceFactory,
  rootSystemMetadataServiceFactory,
  schedulerServiceFactory,
  WinstonLogger,
} from '@trellis/backend-defaults';
import { coreServices, createServiceFactory, DatabaseService, JsonObject } from '@trellis/backend-plugin-api';
import type { Knex } from 'knex';
import { Writable } from 'node:stream';
import winston from 'winston';
import { createServiceMock } from './createServiceMock';
import { MockAuthService } from './MockAuthService';
import { MockUrlReader, MockUrlReaderOptions } from './MockUrlReader';
import { mockPermissionServices } from './mockPermissionServices';

/** A log line captured by a mock logger. @public */
export type CapturedLogLine = { level: string; message: string } & Record<string, unknown>;

/** Options of the mock root logger. @public */
export interface MockRootLoggerOptions {
  /** Lowest level printed; `TEST_LOG_LEVEL` or `none` (nothing) by default. */
  level?: string;
  /** When given, every line is also pushed here (whatever the level printed). */
  lines?: CapturedLogLine[];
}

function createMockLogger(options: MockRootLoggerOptions = {}): WinstonLogger {
  const level = options.level ?? process.env.TEST_LOG_LEVEL ?? 'none';
  const transports: winston.transport[] = [];
  if (level !== 'none') {
    transports.push(new winston.transports.Console({ level }));
  }
  if (options.lines) {
    const lines = options.lines;
    const stream = new Writable({
      objectMode: true,
      write(info, _encoding, callback) {
        lines.push({ ...info });
        callback();
      },
    });
    transports.push(new winston.transports.Stream({ stream, level: 'debug' }));
  }
  if (transports.length === 0) {
    transports.push(new winston.transports.Console({ silent: true }));
  }
  return WinstonLogger.create({ level: 'debug', format: 'json', includeStacks: true, transports });
}

/** Options of `mockServices.database`: the plugin's database is this knex client. @public */
export interface MockDatabaseOptions {
  knex: Knex;
  migrations?: { skip?: boolean };
}

function databaseOn(options: MockDatabaseOptions): DatabaseService {
  return {
    getClient: async () => options.knex,
    migrate: async ({ directory }) => {
      if (!options.migrations?.skip) {
        await options.knex.migrate.latest({ directory });
      }
    },
    migrations: options.migrations,
  };
}

const LOGGER_METHODS = ['error', 'warn', 'info', 'debug', 'child'] as const;
const LIFECYCLE_METHODS = ['addStartupHook', 'addShutdownHook'] as const;

/**
 * Service implementations and factories for tests, under Backstage's names. Calling an entry
 * gives a real implementation with test settings (config from data, a logger that can capture
 * lines, auth that accepts `mockCredentials`); `.factory(options?)` installs that implementation
 * in `startTestBackend`; `.mock(partialImpl?)` gives an object of `jest.fn()` methods, with
 * `partialImpl` as their implementation, and its own `.factory`.
 *
 * @public
 */
export const mockServices = {
  rootConfig: Object.assign(
    (options?: { data?: JsonObject }) => ConfigReader.fromData(options?.data ?? {}, 'mock-config'),
    {
      factory: (options?: { data?: JsonObject }) => createRootConfigServiceFactory({ data: options?.data ?? {} }),
      mock: createServiceMock(coreServices.rootConfig, [
        'has',
        'keys',
        'get',
        'getOptional',
        'getConfig',
        'getOptionalConfig',
        'getConfigArray',
        'getOptionalConfigArray',
        'getNumber',
        'getOptionalNumber',
        'getBoolean',
        'getOptionalBoolean',
        'getString',
        'getOptionalString',
        'getStringArray',
        'getOptionalStringArray',
      ]),
    },
  ),
  rootLogger: Object.assign((options?: MockRootLoggerOptions) => createMockLogger(options), {
    factory: (options?: MockRootLoggerOptions) =>
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => createMockLogger(options),
      }),
    mock: createServiceMock(coreServices.rootLogger, LOGGER_METHODS),
  }),
  /** The plugin's child of the root logger (quiet unless `TEST_LOG_LEVEL` is set). */
  logger: {
    factory: () => loggerServiceFactory,
    mock: createServiceMock(coreServices.logger, LOGGER_METHODS),
  },
  /** Auth that accepts the tokens of `mockCredentials`; `startTestBackend` installs it. */
  auth: Object.assign(
    (options?: { pluginId?: string }) => MockAuthService.create({ pluginId: options?.pluginId ?? 'test' }),
    {
      factory: () =>
        createServiceFactory({
          service: coreServices.auth,
          deps: { pluginMetadata: coreServices.pluginMetadata },
          factory: ({ pluginMetadata }) => MockAuthService.create({ pluginId: pluginMetadata.getId() }),
        }),
      mock: createServiceMock(coreServices.auth, [
        'authenticate',
        'isPrincipal',
        'getNoneCredentials',
        'getOwnServiceCredentials',
        'getPluginRequestToken',
        'getLimitedUserToken',
        'listPublicServiceKeys',
      ]),
    },
  ),
  /** The real HTTP auth service, on top of whichever auth service the backend has. */
  httpAuth: Object.assign(
    (options?: { pluginId?: string }) =>
      DefaultHttpAuthService.create({ auth: MockAuthService.create({ pluginId: options?.pluginId ?? 'test' }) }),
    {
      factory: () => httpAuthServiceFactory,
      mock: createServiceMock(coreServices.httpAuth, ['credentials', 'issueUserCookie']),
    },
  ),
  /** An in-memory URL reader over a map of URLs to content; one instance serves every plugin. */
  urlReader: Object.assign((options?: MockUrlReaderOptions) => MockUrlReader.create(options), {
    factory: (options?: MockUrlReaderOptions) => {
      const reader = MockUrlReader.create(options);
      return createServiceFactory({ service: coreServices.urlReader, deps: {}, factory: () => reader });
    },
    mock: createServiceMock(coreServices.urlReader, ['readUrl', 'readTree', 'search']),
  }),
  /**
   * The real auditor, writing to a mock logger (lines pushed to `lines` when given) with the
   * default severity levels; the factory is the default one.
   */
  auditor: Object.assign(
    (options?: { pluginId?: string; lines?: CapturedLogLine[] }) =>
      DefaultAuditorService.create({
        logger: createMockLogger({ lines: options?.lines }),
        pluginId: options?.pluginId ?? 'test',
        httpAuth: mockServices.httpAuth({ pluginId: options?.pluginId }),
        severityLogLevelMappings: readSeverityLogLevelMappings(ConfigReader.fromData({}, 'mock-config')),
      }),
    { factory: () => auditorServiceFactory },
  ),
  /** A system of exactly the named plugins; the factory is the default one (this backend and `discovery.endpoints`). */
  rootSystemMetadata: Object.assign(
    (options?: { pluginIds?: string[] }) => ({
      getInstalledPlugins: async () => [...(options?.pluginIds ?? [])].sort().map((pluginId) => ({ pluginId })),
    }),
    { factory: () => rootSystemMetadataServiceFactory },
  ),
  ...mockPermissionServices,
  /** The plugin's database on a knex client of the test's choosing (see `TestDatabases`). */
  database: Object.assign((options: MockDatabaseOptions) => databaseOn(options), {
    factory: (options?: MockDatabaseOptions) =>
      createServiceFactory({
        service: coreServices.database,
        deps: {},
        factory: () => {
          if (!options) {
            throw new Error('mockServices.database.factory() needs { knex }; without it, leave the default');
          }
          return databaseOn(options);
        },
      }),
    mock: createServiceMock(coreServices.database, ['getClient', 'migrate']),
  }),
  /** The real cache on the backend's store (memory unless configured). */
  cache: {
    factory: () => cacheServiceFactory,
    mock: createServiceMock(coreServices.cache, ['get', 'set', 'delete', 'withOptions']),
  },
  /** The real scheduler, on the plugin's database. */
  scheduler: {
    factory: () => schedulerServiceFactory,
    mock: createServiceMock(coreServices.scheduler, [
      'scheduleTask',
      'createScheduledTaskRunner',
      'triggerTask',
      'cancelTask',
      'getScheduledTasks',
    ]),
  },
  discovery: {
    factory: () => discoveryServiceFactory,
    mock: createServiceMock(coreServices.discovery, ['getBaseUrl', 'getExternalBaseUrl']),
  },
  httpRouter: {
    factory: () => httpRouterServiceFactory,
    mock: createServiceMock(coreServices.httpRouter, ['use', 'addAuthPolicy']),
  },
  rootHttpRouter: {
    factory: () => rootHttpRouterServiceFactory,
    mock: createServiceMock(coreServices.rootHttpRouter, ['use']),
  },
  rootHealth: {
    factory: () => rootHealthServiceFactory,
    mock: createServiceMock(coreServices.rootHealth, ['getLiveness', 'getReadiness']),
  },
  lifecycle: {
    factory: () => lifecycleServiceFactory,
    mock: createServiceMock(coreServices.lifecycle, LIFECYCLE_METHODS),
  },
  rootLifecycle: {
    factory: () => rootLifecycleServiceFactory,
    mock: createServiceMock(coreServices.rootLifecycle, [...LIFECYCLE_METHODS, 'addBeforeShutdownHook']),
  },
  pluginMetadata: {
    mock: createServiceMock(coreServices.pluginMetadata, ['getId']),
  },
  rootInstanceMetadata: {
    mock: createServiceMock(coreServices.rootInstanceMetadata, ['getId', 'getInstalledPlugins']),
  },
};
