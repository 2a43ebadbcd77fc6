import {
  AuthService,
  Config,
  coreServices,
  createServiceFactory,
  DatabaseService,
  LoggerService,
  ServiceFactory,
} from '@trellis/backend-plugin-api';
import { endpointUrl, readDiscoveryEndpoints } from '../discovery/HostDiscovery';
import { WinstonLogger } from '../rootLogger/WinstonLogger';
import { DefaultAuthService } from './DefaultAuthService';
import { JwksTokenHandler } from './external/JwksTokenHandler';
import {
  ExternalAccessEntry,
  JwksAccessEntry,
  readExternalAccess,
  StaticAccessEntry,
} from './external/readExternalAccess';
import { StaticTokenHandler } from './external/StaticTokenHandler';
import { DatabaseKeyStore } from './keys/DatabaseKeyStore';
import { MemoryKeyStore } from './keys/MemoryKeyStore';
import { PluginKeyRegistry } from './keys/PluginKeyRegistry';
import { PluginKeyOptions, readPluginKeyOptions } from './keys/readPluginKeyOptions';
import { RotatingKeySource } from './keys/RotatingKeySource';
import { StaticKeySource } from './keys/StaticKeySource';
import { LimitedUserTokenHandler } from './LimitedUserTokenHandler';
import { PluginTokenHandler } from './PluginTokenHandler';
import { PluginKeySource } from './types';

/** Options of {@link createAuthServiceFactory}. @public */
export interface AuthServiceFactoryOptions {
  /**
   * Whether plugin keys may be kept in each plugin's database (`coreServices.database`), the
   * default. Pass false for a backend without a database service: keys then come from
   * `backend.auth.pluginKeyStore.static`, or from memory outside production.
   */
  useDatabase?: boolean;
}

interface AuthRootContext {
  storeType: 'database' | 'static' | 'memory';
  keyOptions: PluginKeyOptions;
  shared?: StaticKeySource;
  registry: PluginKeyRegistry;
  staticTokens: StaticTokenHandler;
  jwksTokens: JwksTokenHandler;
}

/**
 * Creates the factory of `coreServices.auth`. Configuration is read once per backend, and a
 * backend in production (`NODE_ENV=production`) refuses to start without a key store that
 * several instances can share.
 *
 * @public
 */
export function createAuthServiceFactory(
  options: AuthServiceFactoryOptions = {},
): ServiceFactory<AuthService, 'plugin'> {
  if (options.useDatabase === false) {
    return createServiceFactory({
      service: coreServices.auth,
      deps: {
        config: coreServices.rootConfig,
        rootLogger: coreServices.rootLogger,
        logger: coreServices.logger,
        pluginMetadata: coreServices.pluginMetadata,
      },
      createRootContext: ({ config, rootLogger }) => createRootContext(config, rootLogger, false),
      factory: ({ pluginMetadata, logger }, context) =>
        createAuthService({ pluginId: pluginMetadata.getId(), logger }, context),
    });
  }
  return createServiceFactory({
    service: coreServices.auth,
    deps: {
      config: coreServices.rootConfig,
      rootLogger: coreServices.rootLogger,
      logger: coreServices.logger,
      pluginMetadata: coreServices.pluginMetadata,
      database: coreServices.database,
    },
    createRootContext: ({ config, rootLogger }) => createRootContext(config, rootLogger, true),
    factory: ({ pluginMetadata, logger, database }, context) =>
      createAuthService({ pluginId: pluginMetadata.getId(), logger, database }, context),
  });
}

/** The default auth service factory, keeping plugin keys in each plugin's database. @public */
export const authServiceFactory = createAuthServiceFactory();

async function createRootContext(
  config: Config,
  rootLogger: LoggerService,
  useDatabase: boolean,
): Promise<AuthRootContext> {
  const production = process.env.NODE_ENV === 'production';
  const logger = rootLogger.child({ component: 'auth' });
  const keyOptions = readPluginKeyOptions(config);
  const external = readExternalAccess(config, { production });
  if (rootLogger instanceof WinstonLogger) {
    rootLogger.addRedactions(external.flatMap((e) => (e.type === 'static' ? [e.token] : [])));
  }
  const storeType = chooseStore(keyOptions, useDatabase, production);
  const shared = storeType === 'static' ? await StaticKeySource.load(keyOptions.staticKeys!) : undefined;
  if (storeType === 'memory') {
    logger.warn(
      "Plugin keys are kept in memory: a second instance of this backend could not verify this one's tokens. Configure backend.auth.pluginKeyStore for more than one instance.",
    );
  }
  logger.info(`Plugin keys: ${storeType} store; external access: ${describeExternal(external)}`);
  return {
    storeType,
    keyOptions,
    shared,
    registry: PluginKeyRegistry.create({ logger, shared, remoteBaseUrl: remoteBaseUrls(config) }),
    staticTokens: StaticTokenHandler.create(external.filter((e): e is StaticAccessEntry => e.type === 'static')),
    jwksTokens: JwksTokenHandler.create(
      external.filter((e): e is JwksAccessEntry => e.type === 'jwks'),
      logger,
    ),
  };
}

/** Plugins that `discovery.endpoints` places on other backends, at their internal base URL. */
function remoteBaseUrls(config: Config): (pluginId: string) => string | undefined {
  const endpoints = readDiscoveryEndpoints(config);
  return (pluginId) => {
    const endpoint = endpoints.find((e) => e.plugins.includes(pluginId));
    return endpoint ? endpointUrl(endpoint, pluginId, 'internal') : undefined;
  };
}

function chooseStore(
  options: PluginKeyOptions,
  useDatabase: boolean,
  production: boolean,
): AuthRootContext['storeType'] {
  const type = options.type ?? (useDatabase ? 'database' : 'memory');
  if (type === 'database' && !useDatabase) {
    throw new Error(
      "backend.auth.pluginKeyStore.type is 'database' but this backend's auth service has no database; configure static keys instead",
    );
  }
  if (type === 'memory' && production) {
    throw new Error(
      'No plugin key store in production: configure backend.auth.pluginKeyStore (static key files) or give the auth service a database; see docs/security.md',
    );
  }
  return type;
}

function describeExternal(entries: ExternalAccessEntry[]): string {
  const statics = entries.filter((e) => e.type === 'static').length;
  const providers = entries.filter((e) => e.type === 'jwks').length;
  return `${statics} static token(s), ${providers} identity provider(s)`;
}

interface PluginDeps {
  pluginId: string;
  logger: LoggerService;
  database?: DatabaseService;
}

function createAuthService({ pluginId, logger, database }: PluginDeps, context: AuthRootContext): AuthService {
  const keys = context.shared ?? rotatingKeys(context, logger, database);
  context.registry.register(pluginId, keys);
  const pluginTokens = PluginTokenHandler.create({
    pluginId,
    keys,
    registry: context.registry,
    tokenLifetimeMs: context.keyOptions.tokenLifetimeMs,
  });
  return DefaultAuthService.create({
    pluginId,
    pluginTokens,
    limitedUserTokens: LimitedUserTokenHandler.create({ pluginId, keys, registry: context.registry }),
    staticTokens: context.staticTokens,
    jwksTokens: context.jwksTokens,
    keys,
  });
}

function rotatingKeys(context: AuthRootContext, logger: LoggerService, database?: DatabaseService): PluginKeySource {
  const store =
    context.storeType === 'database' && database ? DatabaseKeyStore.create({ database }) : MemoryKeyStore.create();
  return RotatingKeySource.create({
    store,
    logger,
    keyDurationMs: context.keyOptions.keyDurationMs,
    tokenLifetimeMs: context.keyOptions.tokenLifetimeMs,
  });
}
