export { DatabaseManager } from './DatabaseManager';
export { databaseServiceFactory } from './databaseServiceFactory';
export { rootDatabaseServiceFactory } from './rootDatabaseServiceFactory';
export { isDatabaseUnavailableError } from './isDatabaseUnavailableError';
export { readDatabaseConfig } from './readDatabaseConfig';
export type { DatabaseClient, PluginDatabaseSettings, PoolSettings } from './readDatabaseConfig';
