import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BuiltServers } from './buildServers';
import { ServerSpec } from './ServerProcess';

/** The static external-access token the request figures send. */
export const STATIC_TOKEN = 'bench-static-token-0123456789abcdef';

const READY_PATH = '/.trellis/health/v1/readiness';

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

/**
 * Makes the server specs of a run: each server in its own temporary directory whose
 * app-config.yaml is its whole configuration, on a free port. Removes the directories at exit.
 */
export class BenchWorkspace {
  readonly #servers: BuiltServers;
  readonly #dirs: string[] = [];

  private constructor(servers: BuiltServers) {
    this.#servers = servers;
    process.on('exit', () => this.#dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
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
