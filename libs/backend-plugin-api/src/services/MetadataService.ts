/** Facts about the plugin a service instance belongs to. @public */
export interface PluginMetadataService {
  getId(): string;
}

/** A plugin installed in this backend and its modules. @public */
export interface InstalledPlugin {
  readonly pluginId: string;
  readonly modules: ReadonlyArray<{ readonly moduleId: string }>;
}

/** Backstage's name for {@link InstalledPlugin}. @public */
export type RootInstanceMetadataServicePluginInfo = InstalledPlugin;

/** Facts about this backend instance. @public */
export interface RootInstanceMetadataService {
  /**
   * A random identifier of this backend instance, fixed for its lifetime and never reused; treat
   * it as an opaque string.
   */
  getId(): string;
  getInstalledPlugins(): Promise<ReadonlyArray<InstalledPlugin>>;
}
