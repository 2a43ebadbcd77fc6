import { coreServices, createServiceFactory, JsonObject } from '@trellis/backend-plugin-api';
import { backendStateServiceRef, BackendStateService } from '@trellis/backend-app-api';
import { applyConfigSchemas, PluginConfigSchema } from './configSchemas';
import { ConfigReader } from './ConfigReader';
import { ConfigWatcher } from './ConfigWatcher';
import { loadConfigFiles, LoadConfigFilesOptions } from './loadConfigFiles';

/** Options of {@link createRootConfigServiceFactory}. @public */
export interface RootConfigFactoryOptions extends LoadConfigFilesOptions {
  /** Config data to use instead of files (tests); plugin schemas still apply. */
  data?: JsonObject;
}

/**
 * Creates the root config factory: files and environment as {@link loadConfigFiles} reads them,
 * plugin schemas validated with their defaults applied. Outside production, `subscribe` watches
 * the files and reloads them; an invalid edit keeps the previous config.
 *
 * @public
 */
export function createRootConfigServiceFactory(options: RootConfigFactoryOptions = {}) {
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: { backendState: backendStateServiceRef },
    factory({ backendState }) {
      const schemas = pluginSchemas(backendState);
      if (options.data) {
        return ConfigReader.fromLayers(applyConfigSchemas([{ data: options.data, context: 'config data' }], schemas));
      }
      const loaded = loadConfigFiles(options);
      const load = () => applyConfigSchemas(loadConfigFiles(options).layers, schemas);
      const production = (options.env ?? process.env).NODE_ENV === 'production';
      const reader = ConfigReader.fromLayers(applyConfigSchemas(loaded.layers, schemas), {
        subscribe: production ? undefined : (onChange) => watcher.subscribe(onChange),
      });
      const watcher = new ConfigWatcher(loaded.files, () => {
        try {
          reader.replaceLayers(load());
          return true;
        } catch {
          return false;
        }
      });
      return reader;
    },
  });
}

function pluginSchemas(state: BackendStateService): PluginConfigSchema[] {
  return state
    .getPlugins()
    .flatMap((p) =>
      p.configSchema || p.moduleConfigSchemas?.length
        ? [{ pluginId: p.pluginId, schema: p.configSchema ?? {}, modules: p.moduleConfigSchemas }]
        : [],
    );
}

/** The default root config factory, reading files from the working directory and argv. @public */
export const rootConfigServiceFactory = createRootConfigServiceFactory();
