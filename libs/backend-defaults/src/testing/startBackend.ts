import { createSpecializedBackend } from '@trellis/backend-app-api';
import { BackendFeature, coreServices, createServiceFactory, JsonObject } from '@trellis/backend-plugin-api';
import type { InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { Writable } from 'node:stream';
import winston from 'winston';
import { defaultServiceFactories } from '../createBackend';
import { createRootConfigServiceFactory } from '../services/rootConfig';
import {
  createRootHttpRouterServiceFactory,
  HttpServer,
  RootHttpRouterFactoryOptions,
} from '../services/rootHttpRouter';
import { createRootLoggerServiceFactory, WinstonLogger } from '../services/rootLogger';

/** A backend started by {@link startBackend}. */
export interface StartedBackend {
  baseUrl: string;
  stop(): Promise<void>;
}

/** A captured log line. */
export type LogLine = { level: string; message: string } & Record<string, unknown>;

const BASE_CONFIG: JsonObject = {
  backend: {
    listen: { port: 0, host: '127.0.0.1' },
    database: { client: 'better-sqlite3', connection: ':memory:' },
  },
};

/**
 * Starts a real backend with the default services on a free port of 127.0.0.1, for the tests of
 * this package (which may not use backend-test-utils, a package that depends on this one).
 * Config is merged one level deep under `backend`.
 */
export async function startBackend(options: {
  features: BackendFeature[];
  config?: JsonObject;
  logLines?: LogLine[];
  /**
   * Use the default root logger (its level, format and redactions from config and NODE_ENV),
   * capturing into `logLines` the lines exactly as it writes them, instead of a debug-level logger.
   */
  defaultLogger?: boolean;
  /** Options of the root HTTP router (a `configure` hook). */
  rootHttpRouter?: RootHttpRouterFactoryOptions;
}): Promise<StartedBackend> {
  let server: HttpServer | undefined;
  const config = mergeBackendConfig(options.config ?? {});
  const overrides = [
    createRootConfigServiceFactory({ data: config }),
    options.defaultLogger ? defaultLoggerWritingTo(options.logLines ?? []) : captureLogger(options.logLines),
    createRootHttpRouterServiceFactory({ ...options.rootHttpRouter, onListening: (s) => (server = s) }),
  ];
  const ids = new Set(overrides.map((f) => f.service.id));
  const backend = createSpecializedBackend({
    defaultServiceFactories: [
      ...overrides,
      ...defaultServiceFactories.filter((f) => !ids.has((f as InternalServiceFactory).service.id)),
    ],
  });
  options.features.forEach((f) => backend.add(f));
  await backend.start();
  return { baseUrl: server!.url, stop: () => backend.stop() };
}

function mergeBackendConfig(config: JsonObject): JsonObject {
  const backend = { ...(BASE_CONFIG.backend as JsonObject), ...((config.backend as JsonObject) ?? {}) };
  return { ...config, backend };
}

function captureLogger(lines?: LogLine[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => {
      // Quiet unless TEST_LOG_LEVEL asks: these tests provoke errors on purpose.
      const level = process.env.TEST_LOG_LEVEL;
      const transports: winston.transport[] = [
        new winston.transports.Console({ level: level ?? 'error', silent: !level }),
      ];
      if (lines) {
        const stream = new Writable({
          objectMode: true,
          write(info, _encoding, done) {
            lines.push({ ...info });
            done();
          },
        });
        transports.push(new winston.transports.Stream({ stream, level: 'debug' }));
      }
      return WinstonLogger.create({ level: 'debug', format: 'json', transports });
    },
  });
}

/** The default root logger, each written line parsed into `lines`. */
function defaultLoggerWritingTo(lines: LogLine[]) {
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string | symbol, unknown>, _encoding, done) {
      lines.push(JSON.parse(String(info[Symbol.for('message')])));
      done();
    },
  });
  return createRootLoggerServiceFactory({ transports: [new winston.transports.Stream({ stream })] });
}
