import { LoggerService } from '@trellis/backend-plugin-api';
import { ServiceUnavailableError } from '@trellis/errors';
import { PluginKeySource } from '../types';
import { PluginKeyCache, VerificationKey } from './PluginKeyCache';

/**
 * The key sources of the plugins in this backend, by plugin ID, shared by every plugin's auth
 * service: the target of a call finds the caller's public keys here. A static key set, when
 * configured, is shared by the whole deployment and also verifies plugins of other backends.
 */
export class PluginKeyRegistry {
  readonly #caches = new Map<string, PluginKeyCache>();
  readonly #shared?: PluginKeyCache;
  readonly #logger: LoggerService;

  private constructor(logger: LoggerService, shared?: PluginKeySource) {
    this.#logger = logger;
    this.#shared = shared ? new PluginKeyCache(shared) : undefined;
  }

  static create(options: { logger: LoggerService; shared?: PluginKeySource }): PluginKeyRegistry {
    return new PluginKeyRegistry(options.logger, options.shared);
  }

  register(pluginId: string, source: PluginKeySource): void {
    this.#caches.set(pluginId, new PluginKeyCache(source));
  }

  /** The public key `kid` of plugin `pluginId`, or undefined when the plugin has no such key. */
  async findKey(pluginId: string, kid: string): Promise<VerificationKey | undefined> {
    const cache = this.#caches.get(pluginId) ?? this.#shared;
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
}
