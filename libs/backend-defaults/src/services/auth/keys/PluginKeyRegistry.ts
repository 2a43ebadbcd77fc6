import { LoggerService } from '@trellis/backend-plugin-api';
import { ServiceUnavailableError } from '@trellis/errors';
import { PluginKeySource } from '../types';
import { PluginKeyCache, VerificationKey } from './PluginKeyCache';
import { RemoteKeySource } from './RemoteKeySource';

/**
 * The key sources of the plugins in this backend, by plugin ID, shared by every plugin's auth
 * service: the target of a call finds the caller's public keys here. A static key set, when
 * configured, is shared by the whole deployment and also verifies plugins of other backends.
 * Without one, a plugin that `discovery.endpoints` places on another backend is verified with the
 * keys that backend publishes for it (its JWKS), read through the same cache.
 */
export class PluginKeyRegistry {
  readonly #caches = new Map<string, PluginKeyCache>();
  readonly #shared?: PluginKeyCache;
  readonly #logger: LoggerService;
  readonly #remoteBaseUrl: (pluginId: string) => string | undefined;

  private constructor(
    logger: LoggerService,
    shared: PluginKeySource | undefined,
    remoteBaseUrl: (pluginId: string) => string | undefined,
  ) {
    this.#logger = logger;
    this.#shared = shared ? new PluginKeyCache(shared) : undefined;
    this.#remoteBaseUrl = remoteBaseUrl;
  }

  static create(options: {
    logger: LoggerService;
    shared?: PluginKeySource;
    /** The internal base URL of a plugin hosted by another backend, or undefined. */
    remoteBaseUrl?: (pluginId: string) => string | undefined;
  }): PluginKeyRegistry {
    return new PluginKeyRegistry(options.logger, options.shared, options.remoteBaseUrl ?? (() => undefined));
  }

  register(pluginId: string, source: PluginKeySource): void {
    this.#caches.set(pluginId, new PluginKeyCache(source));
  }

  /** The public key `kid` of plugin `pluginId`, or undefined when the plugin has no such key. */
  async findKey(pluginId: string, kid: string): Promise<VerificationKey | undefined> {
    const cache = this.#caches.get(pluginId) ?? this.#shared ?? this.#remote(pluginId);
    if (!cache) {
      return undefined;
    }
    try {
      return await cache.find(kid);
    } catch (error) {
      this.#logger.error(`Could not load the public keys of plugin '${pluginId}'`, { error: error as Error });
      throw new ServiceUnavailableError('Cannot verify service tokens right now');
    }
  }

  #remote(pluginId: string): PluginKeyCache | undefined {
    const baseUrl = this.#remoteBaseUrl(pluginId);
    if (baseUrl === undefined) {
      return undefined;
    }
    const cache = new PluginKeyCache(new RemoteKeySource(baseUrl));
    this.#caches.set(pluginId, cache);
    return cache;
  }
}
