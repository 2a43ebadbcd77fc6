import {
  Config,
  RootInstanceMetadataService,
  RootSystemMetadataService,
  RootSystemMetadataServicePluginInfo,
} from '@trellis/backend-plugin-api';
import { readDiscoveryEndpoints } from '../discovery/HostDiscovery';

/**
 * The plugins of the whole system: those installed in this backend, and those that
 * `discovery.endpoints` places on other backends of a split deployment. Each plugin appears once,
 * sorted by ID.
 *
 * @public
 */
export class DefaultRootSystemMetadataService implements RootSystemMetadataService {
  readonly #remotePluginIds: readonly string[];
  readonly #instanceMetadata: RootInstanceMetadataService;

  private constructor(remotePluginIds: readonly string[], instanceMetadata: RootInstanceMetadataService) {
    this.#remotePluginIds = remotePluginIds;
    this.#instanceMetadata = instanceMetadata;
  }

  static fromConfig(
    config: Config,
    options: { instanceMetadata: RootInstanceMetadataService },
  ): DefaultRootSystemMetadataService {
    const remote = readDiscoveryEndpoints(config).flatMap((endpoint) => endpoint.plugins);
    return new DefaultRootSystemMetadataService(remote, options.instanceMetadata);
  }

  getInstalledPlugins = async (): Promise<ReadonlyArray<RootSystemMetadataServicePluginInfo>> => {
    const local = (await this.#instanceMetadata.getInstalledPlugins()).map((plugin) => plugin.pluginId);
    const ids = [...new Set([...local, ...this.#remotePluginIds])].sort();
    return ids.map((pluginId) => ({ pluginId }));
  };
}
