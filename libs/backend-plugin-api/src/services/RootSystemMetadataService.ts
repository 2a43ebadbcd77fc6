/** A plugin of the whole system, as {@link RootSystemMetadataService} lists it. @public */
export interface RootSystemMetadataServicePluginInfo {
  readonly pluginId: string;
}

/**
 * Facts about the whole system this backend belongs to: in a split deployment, the plugins of
 * every backend that `discovery.endpoints` names as well as this backend's own.
 *
 * @public
 */
export interface RootSystemMetadataService {
  getInstalledPlugins: () => Promise<ReadonlyArray<RootSystemMetadataServicePluginInfo>>;
}
