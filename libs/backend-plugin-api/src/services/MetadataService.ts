/** Facts about the plugin a service instance belongs to. @public */
export interface PluginMetadataService {
  getId(): string;
}

/** A plugin installed in this backend and its modules. @public */
export interface InstalledPlugin {
  readonly pluginId: string;
  readonly modules: ReadonlyArray<{ readonly moduleId: string }>;
}

/** Facts about this backend instance. @public */
export interface RootInstanceMetadataService {
  getInstalledPlugins(): Promise<ReadonlyArray<InstalledPlugin>>;
}
