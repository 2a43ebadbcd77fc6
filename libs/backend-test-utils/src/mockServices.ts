import {
  auditorServiceFactory,
  ConfigReader,
  createRootConfigServiceFactory,
  DefaultAuditorService,
  DefaultHttpAuthService,
  httpAuthServiceFactory,
  readSeverityLogLevelMappings,
  rootSystemMetadataServiceFactory,
  WinstonLogger,
} from '@trellis/backend-defaults';
import { coreServices, createServiceFactory, JsonObject } from '@trellis/backend-plugin-api';
import { Writable } from 'node:stream';
import winston from 'winston';
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

/**
 * Service implementations and factories for tests. Each mock is a real implementation with
 * test-friendly settings, not a stand-in: config from data, a logger that can capture lines.
 *
 * @public
 */
export const mockServices = {
  rootConfig: Object.assign(
    (options?: { data?: JsonObject }) => ConfigReader.fromData(options?.data ?? {}, 'mock-config'),
    {
      factory: (options?: { data?: JsonObject }) => createRootConfigServiceFactory({ data: options?.data ?? {} }),
    },
  ),
  rootLogger: Object.assign((options?: MockRootLoggerOptions) => createMockLogger(options), {
    factory: (options?: MockRootLoggerOptions) =>
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => createMockLogger(options),
      }),
  }),
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
    },
  ),
  /** The real HTTP auth service, on top of whichever auth service the backend has. */
  httpAuth: Object.assign(
    (options?: { pluginId?: string }) =>
      DefaultHttpAuthService.create({ auth: MockAuthService.create({ pluginId: options?.pluginId ?? 'test' }) }),
    { factory: () => httpAuthServiceFactory },
  ),
  /** An in-memory URL reader over a map of URLs to content; one instance serves every plugin. */
  urlReader: Object.assign((options?: MockUrlReaderOptions) => MockUrlReader.create(options), {
    factory: (options?: MockUrlReaderOptions) => {
      const reader = MockUrlReader.create(options);
      return createServiceFactory({ service: coreServices.urlReader, deps: {}, factory: () => reader });
    },
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
};
