import { Config, DiscoveryService, RootInstanceMetadataService } from '@trellis/backend-plugin-api';
import { NotFoundError } from '@trellis/errors';

/** An entry of `discovery.endpoints`: the backend hosting the named plugins. @public */
export interface DiscoveryEndpoint {
  internal: string;
  external: string;
  plugins: string[];
}

/** Reads `discovery.endpoints`; a string target serves as both internal and external URL. @public */
export function readDiscoveryEndpoints(config: Config): DiscoveryEndpoint[] {
  return (config.getOptionalConfigArray('discovery.endpoints') ?? []).map((endpoint) => {
    const target = endpoint.getOptional<string | { internal: string; external: string }>('target');
    const internal = typeof target === 'string' ? target : endpoint.getString('target.internal');
    const external = typeof target === 'string' ? target : endpoint.getString('target.external');
    return { internal, external, plugins: endpoint.getStringArray('plugins') };
  });
}

/** The base URL of a plugin at an endpoint, `{{pluginId}}` replaced. @public */
export function endpointUrl(endpoint: DiscoveryEndpoint, pluginId: string, which: 'internal' | 'external'): string {
  return endpoint[which].replace(/\{\{\s*pluginId\s*\}\}/g, encodeURIComponent(pluginId)).replace(/\/$/, '');
}

/**
 * Finds plugins: those installed in this backend at its own URL (internal: where it listens;
 * external: `backend.baseUrl`), others at the backend named for them in `discovery.endpoints`
 * (`{{pluginId}}` in a target is replaced). A plugin found nowhere is an error naming it.
 *
 * @public
 */
export class HostDiscovery implements DiscoveryService {
  readonly #endpoints: DiscoveryEndpoint[];
  readonly #internalBase: () => string;
  readonly #externalBase: string;
  readonly #metadata: RootInstanceMetadataService;

  private constructor(
    endpoints: DiscoveryEndpoint[],
    internalBase: () => string,
    externalBase: string,
    metadata: RootInstanceMetadataService,
  ) {
    this.#endpoints = endpoints;
    this.#internalBase = internalBase;
    this.#externalBase = externalBase;
    this.#metadata = metadata;
  }

  static fromConfig(
    config: Config,
    options: { listenUrl: () => string; instanceMetadata: RootInstanceMetadataService },
  ): HostDiscovery {
    const endpoints = readDiscoveryEndpoints(config);
    const externalBase = config.getOptionalString('backend.baseUrl');
    return new HostDiscovery(endpoints, options.listenUrl, externalBase ?? '', options.instanceMetadata);
  }

  async getBaseUrl(pluginId: string): Promise<string> {
    return this.#find(pluginId, 'internal');
  }

  async getExternalBaseUrl(pluginId: string): Promise<string> {
    return this.#find(pluginId, 'external');
  }

  async #find(pluginId: string, which: 'internal' | 'external'): Promise<string> {
    const endpoint = this.#endpoints.find((e) => e.plugins.includes(pluginId));
    if (endpoint) {
      return endpointUrl(endpoint, pluginId, which);
    }
    const installed = await this.#metadata.getInstalledPlugins();
    if (!installed.some((p) => p.pluginId === pluginId)) {
      throw new NotFoundError(
        `Plugin '${pluginId}' is not installed in this backend and no discovery.endpoints entry names it`,
      );
    }
    const base = which === 'external' && this.#externalBase ? this.#externalBase : this.#internalBase();
    return `${base.replace(/\/$/, '')}/api/${encodeURIComponent(pluginId)}`;
  }
}
