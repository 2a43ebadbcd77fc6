export { freePort } from './freePort';
export { waitFor } from './waitFor';
export type { WaitForOptions } from './waitFor';
export { startRedis } from './startRedis';
export type { TestRedis } from './startRedis';
export {
  postgresConnection,
  isPostgresReachable,
  requirePostgres,
  requireCommand,
  redisUrl,
  requireRedis,
} from './services';
export type { PostgresConnection } from './services';
export { rawHttpRequest } from './rawHttpRequest';
export type { RawHttpRequestOptions, RawHttpResponse } from './rawHttpRequest';
