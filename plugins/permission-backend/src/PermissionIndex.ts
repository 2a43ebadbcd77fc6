import {
  AuthService,
  Config,
  DiscoveryService,
  LoggerService,
  RootInstanceMetadataService,
} from '@trellis/backend-plugin-api';
import { parsePermission, Permission } from '@trellis/plugin-permission-common';

/** How long the permissions collected from the plugins are trusted before they are read again. */
const REFRESH_AFTER_MS = 60_000;
/** An unknown name makes the index read again at once, but at most this often. */
const MIN_REFRESH_INTERVAL_MS = 5_000;
const METADATA_PATH = '/.well-known/backstage/permissions/metadata';
const REQUEST_TIMEOUT_MS = 10_000;

/** Options of {@link PermissionIndex.create}. */
export interface PermissionIndexOptions {
  config: Config;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
  instanceMetadata: RootInstanceMetadataService;
}

/**
 * Every permission the plugins of the deployment registered, read from their metadata endpoints
 * (the plugins of this backend and those `discovery.endpoints` places elsewhere), so a request
 * naming a permission nobody defined is refused instead of reaching the policy.
 */
export class PermissionIndex {
  readonly #options: PermissionIndexOptions;
  #permissions: Promise<Map<string, Permission>> | undefined;
  #readAt = 0;

  private constructor(options: PermissionIndexOptions) {
    this.#options = options;
  }

  static create(options: PermissionIndexOptions): PermissionIndex {
    return new PermissionIndex(options);
  }

  /** The registered permission of that name, or undefined after a fresh read found none. */
  async find(name: string): Promise<Permission | undefined> {
    const age = Date.now() - this.#readAt;
    if (!this.#permissions || age > REFRESH_AFTER_MS) {
      this.#refresh();
    }
    const found = (await this.#permissions!).get(name);
    if (found || Date.now() - this.#readAt < MIN_REFRESH_INTERVAL_MS) {
      return found;
    }
    this.#refresh();
    return (await this.#permissions!).get(name);
  }

  #refresh(): void {
    this.#readAt = Date.now();
    const read = this.#readAll();
    this.#permissions = read;
    read.catch(() => {
      if (this.#permissions === read) {
        this.#permissions = undefined;
      }
    });
  }

  async #readAll(): Promise<Map<string, Permission>> {
    const pluginIds = await this.#pluginIds();
    const lists = await Promise.all(pluginIds.map((id) => this.#read(id)));
    return new Map(lists.flat().map((p) => [p.name, p]));
  }

  async #pluginIds(): Promise<string[]> {
    const local = (await this.#options.instanceMetadata.getInstalledPlugins()).map((p) => p.pluginId);
    const remote = (this.#options.config.getOptionalConfigArray('discovery.endpoints') ?? []).flatMap(
      (endpoint) => endpoint.getOptionalStringArray('plugins') ?? [],
    );
    return [...new Set([...local, ...remote])];
  }

  async #read(pluginId: string): Promise<Permission[]> {
    const { auth, discovery, logger } = this.#options;
    try {
      const [baseUrl, { token }] = await Promise.all([
        discovery.getBaseUrl(pluginId),
        auth
          .getOwnServiceCredentials()
          .then((own) => auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: pluginId })),
      ]);
      const response = await fetch(`${baseUrl}${METADATA_PATH}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      const body = (await response.json()) as { permissions?: unknown };
      return (Array.isArray(body.permissions) ? body.permissions : []).map((p) => parsePermission(p));
    } catch (error) {
      logger.warn(`Could not read the permissions of plugin '${pluginId}': ${(error as Error).message}`);
      return [];
    }
  }
}
