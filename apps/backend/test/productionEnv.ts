/**
 * The environment docs/deploy.md gives the artifact (app-config.production.yaml reads it), here
 * pointing at the local PostgreSQL and Redis.
 */
export function productionEnv(options: { port: number; database: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(options.port),
    POSTGRES_HOST: '127.0.0.1',
    POSTGRES_PORT: '5432',
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: options.database,
    REDIS_URL: 'redis://127.0.0.1:6379',
  };
}
