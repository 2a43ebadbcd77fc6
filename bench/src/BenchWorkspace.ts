import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BuiltServers } from './buildServers';
import { createBenchDatabase, dropBenchDatabase } from './postgres';
import { ServerSpec } from './ServerProcess';

/** The static external-access token the request figures send. */
export const STATIC_TOKEN = 'bench-static-token-0123456789abcdef';

const READY_PATH = '/.trellis/health/v1/readiness';
const REPOSITORY = path.resolve(__dirname, '../..');

/** Options of {@link BenchWorkspace.production}. */
export interface ProductionOptions {
  /** The production artifact of apps/backend, or a backend of one trivial plugin and a token caller. */
  backend: 'reference' | 'onePlugin';
  /** PostgreSQL as app-config.production.yaml sets it (a fresh database), or SQLite files instead. */
  database: 'pg' | 'sqlite';
  /** `warn` turns the request lines off (LOG_LEVEL, as an operator would); `info` is the default. */
  logLevel?: 'info' | 'warn';
  /**
   * Entity files for `catalog.locations` instead of the sample catalog; the server then gets a
   * PostgreSQL database of its own, so every start reads them into an empty catalog.
   */
  catalogFiles?: readonly string[];
  /**
   * Reads the catalog's locations again once a day instead of every minute, for figures that
   * count work per request (a refresh of the sample catalog under valgrind takes long enough to
   * fall into a measured window).
   */
  rareCatalogRefresh?: boolean;
}

/** Options of {@link BenchWorkspace.backstageCatalog}. */
export interface BackstageCatalogOptions {
  database: 'pg' | 'sqlite';
  /** Entity files for `catalog.locations`. */
  catalogFiles: readonly string[];
}

/** Options of {@link BenchWorkspace.expressKnex}. */
export interface ExpressKnexOptions {
  database: 'pg' | 'sqlite';
}

/** Where the reference backend keeps its data in a run. */
export type BenchDatabase = { client: 'sqlite' } | { client: 'pg'; database: string };

/** Options of {@link BenchWorkspace.referenceBackend}. */
export interface ReferenceOptions {
  database?: BenchDatabase;
  /** `warn` (no request lines) unless a figure measures logging. */
  logLevel?: 'warn' | 'info';
  /** The catalog reads the repository's sample catalog (47 entities); otherwise it is empty. */
  catalog?: boolean;
}

/** The Location of the sample catalog the reference backend ships with. */
const SAMPLE_CATALOG = path.resolve(__dirname, '../../examples/catalog/catalog-info.yaml');

/** Backstage's catalog accepts only Component, API and Location unless `catalog.rules` says more. */
const BUILT_IN_KINDS = ['Component', 'API', 'System', 'Domain', 'Resource', 'Group', 'User', 'Location'];
const BACKSTAGE_READY_PATH = '/.backstage/health/v1/readiness';

/**
 * Makes the server specs of a run: each server in its own temporary directory whose
 * app-config.yaml is its whole configuration, on a free port. Removes the directories at exit.
 */
export class BenchWorkspace {
  readonly #servers: BuiltServers;
  readonly #dirs: string[] = [];
  /** One PostgreSQL database per kind of server and run, created on first use. */
  readonly #databases = new Map<string, string>();

  private constructor(servers: BuiltServers) {
    this.#servers = servers;
    process.on('exit', () => this.#dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  }

  /** Drops the run's PostgreSQL databases. */
  dropDatabases(): void {
    for (const name of this.#databases.values()) {
      dropBenchDatabase(name);
    }
    this.#databases.clear();
  }

  #database(kind: string): string {
    let name = this.#databases.get(kind);
    if (!name) {
      name = createBenchDatabase();
      this.#databases.set(kind, name);
    }
    return name;
  }

  /** A database for one server start only, dropped with the others. */
  #freshDatabase(): string {
    const name = createBenchDatabase();
    this.#databases.set(name, name);
    return name;
  }

  static create(servers: BuiltServers): BenchWorkspace {
    return new BenchWorkspace(servers);
  }

  /** Bare Express serving the same JSON route. */
  async express(): Promise<ServerSpec> {
    const dir = this.#tempDir();
    return {
      name: 'bare Express',
      file: this.#servers.express,
      cwd: dir,
      port: await freePort(),
      firstPath: '/api/example/hello',
      readyPath: READY_PATH,
    };
  }

  /** The reference backend (every plugin of apps/backend) from its production artifact. */
  async referenceBackend(options: ReferenceOptions = {}): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const port = await freePort();
    const database = options.database ?? { client: 'sqlite' };
    const catalog = options.catalog ? { catalog: { locations: [{ type: 'file', target: SAMPLE_CATALOG }] } } : {};
    this.#writeConfig(dir, port, options.logLevel ?? 'warn', databaseConfig(database, dir), catalog);
    return {
      name: 'reference backend',
      file: path.join(this.#servers.referenceDir, 'index.js'),
      cwd: dir,
      port,
      firstPath: '/api/example/hello',
      readyPath: READY_PATH,
    };
  }

  /** A backend of `count` trivial plugins; with `caller`, one more plugin prints a token for p0. */
  async pluginsBackend(count: number, options: { caller?: boolean } = {}): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const port = await freePort();
    this.#writeConfig(dir, port, 'warn', databaseConfig({ client: 'sqlite' }, dir));
    const env = { PLUGINS: String(count), WITH_CALLER: options.caller ? '1' : '0' };
    return {
      name: `backend of ${count} plugins`,
      file: this.#servers.plugins,
      cwd: dir,
      port,
      env,
      firstPath: '/api/p0/hello',
      readyPath: READY_PATH,
    };
  }

  /**
   * A server as docs/deploy.md runs it: NODE_ENV=production, app-config.yaml and
   * app-config.production.yaml from the artifact, the environment that file reads (a fresh
   * PostgreSQL database, the local Redis), the request log at its default level, and a site
   * config with `--config` (listen on 127.0.0.1, one static token, the sample catalog).
   */
  async production(options: ProductionOptions): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const port = await freePort();
    const catalogFiles = options.catalogFiles ?? [SAMPLE_CATALOG];
    let database: string | undefined;
    if (options.database === 'pg') {
      database = options.catalogFiles ? this.#freshDatabase() : this.#database(options.backend);
    }
    const site = {
      backend: {
        listen: { host: '127.0.0.1' },
        auth: { externalAccess: [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'bench' } }] },
        ...(database
          ? {}
          : { database: { client: 'better-sqlite3', connection: { directory: path.join(dir, 'sqlite') } } }),
      },
      catalog: {
        locations: catalogFiles.map((target) => ({ type: 'file', target })),
        ...(options.rareCatalogRefresh ? { refresh: { frequency: { hours: 24 }, timeout: { minutes: 10 } } } : {}),
      },
    };
    fs.writeFileSync(path.join(dir, 'site.yaml'), JSON.stringify(site, null, 2));
    const env = {
      PORT: String(port),
      BACKEND_BASE_URL: `http://127.0.0.1:${port}`,
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'postgres',
      POSTGRES_DB: database ?? 'unused',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ...(options.logLevel === 'warn' ? { LOG_LEVEL: 'warn' } : {}),
    };
    if (options.backend === 'reference') {
      return {
        name: 'reference backend (production)',
        file: path.join(this.#servers.referenceDir, 'index.js'),
        args: ['--config', path.join(dir, 'site.yaml')],
        cwd: this.#servers.referenceDir,
        logDir: dir,
        port,
        env,
        ...(database && options.catalogFiles ? { postgresDatabase: database } : {}),
        firstPath: '/api/example/hello',
        readyPath: READY_PATH,
      };
    }
    // The generated backend reads the artifact's two config files from its own folder.
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      fs.copyFileSync(path.join(this.#servers.referenceDir, file), path.join(dir, file));
    }
    return {
      name: 'one-plugin backend (production)',
      file: this.#servers.plugins,
      args: ['--config', path.join(dir, 'site.yaml')],
      cwd: dir,
      port,
      env: { ...env, PLUGINS: '1', WITH_CALLER: '1' },
      firstPath: '/api/p0/hello',
      readyPath: READY_PATH,
    };
  }

  /** Bare Express and knex serving the todo list from its own table (SQLite file or a fresh PostgreSQL database). */
  async expressKnex(options: ExpressKnexOptions): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const database = options.database === 'pg' ? this.#database('expressKnex') : undefined;
    return {
      name: `bare Express + knex (${options.database})`,
      file: this.#servers.expressKnex,
      cwd: dir,
      port: await freePort(),
      env: {
        // The native SQLite driver of the artifact, so both sides of the ratio use the same build.
        NODE_PATH: path.join(this.#servers.referenceDir, 'node_modules'),
        TODO_MIGRATIONS: path.join(REPOSITORY, 'plugins/todo-backend/migrations'),
        ...(database ? { POSTGRES_DB: database } : { SQLITE_FILE: path.join(dir, 'todo.sqlite') }),
      },
      firstPath: '/api/todo/todos?limit=20',
      readyPath: READY_PATH,
    };
  }

  /** The Backstage backend of one trivial plugin, from its install outside the repository. */
  async backstage(installDir: string): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const port = await freePort();
    const database = this.#database('backstage');
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: {
          client: 'pg',
          pluginDivisionMode: 'schema',
          connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database },
        },
      },
    };
    fs.writeFileSync(path.join(dir, 'app-config.yaml'), JSON.stringify(config, null, 2));
    // Backstage looks for the package.json of the project it runs in.
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "trellis-bench-backstage-run", "private": true }\n');
    return {
      name: 'Backstage',
      file: path.join(installDir, 'server.cjs'),
      cwd: dir,
      port,
      firstPath: '/api/example/hello',
      readyPath: BACKSTAGE_READY_PATH,
    };
  }

  /**
   * Backstage's catalog plugin in a Backstage backend, from its install outside the repository:
   * the same entity files as `catalog.locations`, every built-in kind allowed, processing with
   * Backstage's defaults, the same static token as Trellis, and a database of its own (PostgreSQL
   * in schema mode, or SQLite files through the artifact's native driver, since npm leaves out
   * Backstage's optional better-sqlite3 peer).
   */
  async backstageCatalog(installDir: string, options: BackstageCatalogOptions): Promise<ServerSpec> {
    const dir = this.#tempDir();
    const port = await freePort();
    const postgresDatabase = options.database === 'pg' ? this.#freshDatabase() : undefined;
    const database = databaseConfig(
      postgresDatabase ? { client: 'pg', database: postgresDatabase } : { client: 'sqlite' },
      dir,
    );
    const config = {
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database,
        auth: { externalAccess: [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'bench' } }] },
      },
      catalog: {
        rules: [{ allow: BUILT_IN_KINDS }],
        locations: options.catalogFiles.map((target) => ({ type: 'file', target })),
      },
    };
    fs.writeFileSync(path.join(dir, 'app-config.yaml'), JSON.stringify(config, null, 2));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "trellis-bench-backstage-run", "private": true }\n');
    return {
      name: `Backstage catalog (${options.database})`,
      file: path.join(installDir, 'catalogServer.cjs'),
      cwd: dir,
      port,
      env: { NODE_PATH: path.join(this.#servers.referenceDir, 'node_modules') },
      postgresDatabase,
      firstPath: BACKSTAGE_READY_PATH,
      readyPath: BACKSTAGE_READY_PATH,
    };
  }

  /** A folder of this run's, removed at exit. */
  scratchDir(): string {
    return this.#tempDir();
  }

  #writeConfig(dir: string, port: number, level: string, database: object, extra: object = {}): void {
    const config = {
      ...extra,
      backend: {
        listen: { host: '127.0.0.1', port },
        logger: { level, format: 'json' },
        database,
        auth: { externalAccess: [{ type: 'static', options: { token: STATIC_TOKEN, subject: 'bench' } }] },
      },
    };
    // JSON is YAML.
    fs.writeFileSync(path.join(dir, 'app-config.yaml'), JSON.stringify(config, null, 2));
  }

  #tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-'));
    this.#dirs.push(dir);
    return dir;
  }
}

function databaseConfig(database: BenchDatabase, dir: string): object {
  if (database.client === 'sqlite') {
    return { client: 'better-sqlite3', connection: { directory: path.join(dir, 'sqlite') } };
  }
  return {
    client: 'pg',
    pluginDivisionMode: 'schema',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: database.database },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
