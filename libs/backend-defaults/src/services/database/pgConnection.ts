import { JsonObject } from '@trellis/backend-plugin-api';

/** A PostgreSQL connection as knex and pg take it. */
export interface PgConnection {
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  ssl?: boolean | { rejectUnauthorized: boolean };
  [key: string]: unknown;
}

/** Turns a `postgres://` URL or a connection object into an object whose fields can be changed. */
export function normalizePgConnection(connection: string | JsonObject): PgConnection {
  if (typeof connection !== 'string') {
    const port = connection.port;
    return { ...(connection as PgConnection), port: port === undefined ? undefined : Number(port) };
  }
  const url = new URL(connection);
  const sslmode = url.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(url.hostname) || undefined,
    port: url.port ? Number(url.port) : undefined,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
    ...(sslmode && sslmode !== 'disable' ? { ssl: { rejectUnauthorized: sslmode === 'verify-full' } } : {}),
  };
}

/** How errors and logs name a connection: host, port and database, never the password. */
export function describePgConnection(connection: PgConnection): string {
  return `host '${connection.host ?? 'localhost'}:${connection.port ?? 5432}', database '${connection.database ?? '(default)'}'`;
}
