export { ConfigReader, mergeObjects } from './ConfigReader';
export type { ConfigLayer } from './ConfigReader';
export { loadConfigFiles, readEnvOverrides } from './loadConfigFiles';
export type { LoadConfigFilesOptions, LoadedConfig } from './loadConfigFiles';
export { applyConfigSchemas } from './configSchemas';
export type { PluginConfigSchema } from './configSchemas';
export { collectSecretValues } from './secrets';
export { createRootConfigServiceFactory, rootConfigServiceFactory } from './rootConfigServiceFactory';
export type { RootConfigFactoryOptions } from './rootConfigServiceFactory';
