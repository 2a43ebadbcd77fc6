import { Backend, BackendFeatureInput, createSpecializedBackend } from '@trellis/backend-app-api';
import { createRootHttpRouterServiceFactory, defaultServiceFactories, HttpServer } from '@trellis/backend-defaults';
import {
  BackendFeature,
  coreServices,
  createBackendPlugin,
  ExtensionPoint,
  JsonObject,
} from '@trellis/backend-plugin-api';
import type { InternalBackendRegistrationFeature, InternalServiceFactory } from '@trellis/backend-plugin-api/internal';
import { CapturedLogLine, mockServices } from './mockServices';

/** Options of {@link startTestBackend}. @public */
export interface StartTestBackendOptions {
  /** Plugins, modules and service factories; factories here replace the test defaults. */
  features: BackendFeatureInput[];
  /** Config data, merged over the test defaults (port 0 on 127.0.0.1, in-memory SQLite). */
  config?: JsonObject;
  /** When given, every log line is pushed here. */
  logLines?: CapturedLogLine[];
  /**
   * Extension point implementations for modules tested without their plugin, as
   * `[[extensionPointRef, impl]]`: the test backend adds a plugin that only provides them, for
   * each plugin ID the modules extend that no added feature provides.
   */
  extensionPoints?: ReadonlyArray<readonly [ExtensionPoint<any>, unknown]>;
}

/** A started test backend. @public */
export interface TestBackend {
  /** `http://127.0.0.1:<port>`, the backend's base URL. */
  baseUrl: string;
  server: HttpServer['server'];
  stop(): Promise<void>;
}

const TEST_CONFIG: JsonObject = {
  backend: {
    listen: { port: 0, host: '127.0.0.1' },
    database: { client: 'better-sqlite3', connection: ':memory:' },
  },
};

const running = new Set<Backend>();

/**
 * Starts a real backend in this process with the default services (config from data, a quiet
 * logger, a free port, auth that accepts `mockCredentials` tokens, user info that needs no catalog:
 * a user owns through their own ref) and the given features. Pass `authServiceFactory` among the
 * features to test with real tokens, `userInfoServiceFactory` to read ownership from the catalog. Backends still running after a test file are
 * stopped by an `afterAll` hook.
 *
 * @public
 */
export async function startTestBackend(options: StartTestBackendOptions): Promise<TestBackend> {
  let server: HttpServer | undefined;
  const overrides: BackendFeature[] = [
    mockServices.rootConfig.factory({ data: mergeConfig(TEST_CONFIG, options.config ?? {}) }),
    mockServices.rootLogger.factory({ lines: options.logLines }),
    mockServices.auth.factory(),
    mockServices.httpAuth.factory(),
    // As in Backstage's test backend: a user owns through their own ref, with no catalog to ask.
    mockServices.userInfo.factory(),
    createRootHttpRouterServiceFactory({ onListening: (s) => (server = s) }),
  ];
  const overridden = new Set(overrides.map((f) => (f as InternalServiceFactory).service.id));
  const backend = createSpecializedBackend({
    defaultServiceFactories: [
      ...overrides,
      ...defaultServiceFactories.filter((f) => !overridden.has((f as InternalServiceFactory).service.id)),
    ],
  });
  const features = await Promise.all(options.features.map(unwrapFeature));
  for (const feature of [...features, ...extensionPointProviders(features, options.extensionPoints ?? [])]) {
    backend.add(feature);
  }
  running.add(backend);
  await backend.start();
  if (!server) {
    throw new Error(`startTestBackend needs the ${coreServices.rootHttpRouter.id} service; no server was started`);
  }
  return {
    baseUrl: server.url,
    server: server.server,
    stop: async () => {
      running.delete(backend);
      await backend.stop();
    },
  };
}

async function unwrapFeature(input: BackendFeatureInput): Promise<BackendFeature> {
  let value: unknown = await input;
  for (
    let depth = 0;
    depth < 3 && (value as BackendFeature | undefined)?.$$type !== '@trellis/BackendFeature';
    depth++
  ) {
    value = (value as { default?: unknown } | undefined)?.default;
  }
  // Anything else is left for the backend to report as an invalid feature.
  return (value ?? input) as BackendFeature;
}

/**
 * Stand-in plugins that provide the test's extension point implementations to modules whose
 * plugin is not in the test. An extension point goes to the plugin its ID names
 * (`'<pluginId>.<name>'`), or to the only such plugin when there is one.
 */
function extensionPointProviders(
  features: BackendFeature[],
  extensionPoints: ReadonlyArray<readonly [ExtensionPoint<any>, unknown]>,
): BackendFeature[] {
  if (extensionPoints.length === 0) {
    return [];
  }
  const registrations = features.flatMap((f) => {
    const internal = f as InternalBackendRegistrationFeature;
    return internal.featureType === 'registrations' ? internal.getRegistrations() : [];
  });
  const plugins = new Set(registrations.filter((r) => r.type === 'plugin').map((r) => r.pluginId));
  const missing = [...new Set(registrations.filter((r) => r.type === 'module').map((r) => r.pluginId))].filter(
    (id) => !plugins.has(id),
  );
  return missing.map((pluginId) =>
    createBackendPlugin({
      pluginId,
      register(env) {
        for (const [ref, impl] of extensionPoints) {
          if (missing.length === 1 || ref.id.split('.')[0] === pluginId) {
            env.registerExtensionPoint(ref, impl);
          }
        }
        env.registerInit({ deps: {}, async init() {} });
      },
    }),
  );
}

/** Deep-merges config objects; arrays and scalars of `b` replace those of `a`. */
export function mergeConfig(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeConfig(current, value) : value;
  }
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const jestAfterAll = (globalThis as { afterAll?: (fn: () => Promise<void>) => void }).afterAll;
if (typeof jestAfterAll === 'function') {
  jestAfterAll(async () => {
    await Promise.all([...running].map((b) => b.stop()));
    running.clear();
  });
}
