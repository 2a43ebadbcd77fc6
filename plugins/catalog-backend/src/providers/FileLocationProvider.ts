import { LoggerService, SchedulerServiceTaskRunner } from '@trellis/backend-plugin-api';
import { DeferredEntity, EntityProvider, EntityProviderConnection, LocationSpec } from '@trellis/plugin-catalog-node';
import nodeFs from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { parseAllDocuments } from 'yaml';

/** Largest entity file read; a bigger one is reported, not read. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** How deep `Location` entities may point at further locations. */
const MAX_DEPTH = 10;

/** A configured location: a file or a glob of files. */
export interface FileLocation {
  /** An absolute path or glob. */
  target: string;
}

/**
 * The entities of the `catalog.locations` files. On every run it reads all of them (globs
 * expanded, `Location` entities followed) and applies one full mutation, so an entity whose file
 * is gone disappears, while a file that cannot be read or parsed keeps its entities as they were.
 */
export class FileLocationProvider implements EntityProvider {
  /** The scheduler task that reads every location. */
  static readonly TASK_ID = 'catalog-file-locations-refresh';

  readonly #locations: FileLocation[];
  readonly #logger: LoggerService;
  readonly #runner: SchedulerServiceTaskRunner;
  #connection?: EntityProviderConnection;

  constructor(options: { locations: FileLocation[]; logger: LoggerService; runner: SchedulerServiceTaskRunner }) {
    this.#locations = options.locations;
    this.#logger = options.logger;
    this.#runner = options.runner;
  }

  getProviderName(): string {
    return 'file-locations';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#runner.run({ id: FileLocationProvider.TASK_ID, fn: (signal) => this.refresh(signal) });
  }

  /**
   * Reads every location and applies the result. An aborted run (timeout, shutdown) stops between
   * files and applies nothing, so it never removes the entities of the files it did not reach.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.#connection) {
      throw new Error('FileLocationProvider is not connected');
    }
    const started = Date.now();
    const { entities, unreadable, files } = await this.read(signal);
    signal?.throwIfAborted();
    await this.#connection.applyMutation({ type: 'full', entities, unreadable });
    this.#logger.info(`Read ${entities.length} entities from ${files} files in ${Date.now() - started} ms`, {
      entities: entities.length,
      files,
      unreadable: unreadable.length,
    });
  }

  /** Reads every location: the entities found and the files that could not be read. */
  async read(
    signal?: AbortSignal,
  ): Promise<{ entities: DeferredEntity[]; unreadable: { location: LocationSpec; message: string }[]; files: number }> {
    const entities: DeferredEntity[] = [];
    const unreadable: { location: LocationSpec; message: string }[] = [];
    const visited = new Set<string>();
    const realRoots: Record<string, Promise<string>> = {};
    const visit = async (target: string, depth: number, root: string) => {
      for (const file of await this.#expand(target)) {
        signal?.throwIfAborted();
        if (visited.has(file)) {
          continue;
        }
        visited.add(file);
        const location: LocationSpec = { type: 'file', target: file };
        let documents: unknown[];
        try {
          documents = parseEntityFile(await readCatalogFile(file, root, (realRoots[root] ??= realPathOrSelf(root))));
        } catch (error) {
          const message = `${file}: ${error instanceof Error ? error.message : String(error)}`;
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            this.#logger.warn(`Catalog location ${message}`);
            continue;
          }
          this.#logger.warn(`Catalog location unreadable, its entities are kept as they were: ${message}`);
          unreadable.push({ location, message });
          continue;
        }
        for (const document of documents) {
          entities.push({ entity: document as DeferredEntity['entity'], location });
          for (const next of locationTargets(document, file)) {
            // A refused target is reported against itself, not against the file naming it,
            // whose own entities are fine.
            const refused = { type: 'file', target: next };
            if (depth >= MAX_DEPTH) {
              unreadable.push({
                location: refused,
                message: `${file}: Location entities nest deeper than ${MAX_DEPTH}`,
              });
              continue;
            }
            if (!isInside(staticBase(next), root)) {
              unreadable.push({
                location: refused,
                message: `${file}: Location target '${next}' leaves ${root}, the folder of the configured location it was reached from`,
              });
              continue;
            }
            await visit(next, depth + 1, root);
          }
        }
      }
    };
    for (const location of this.#locations) {
      await visit(location.target, 0, staticBase(location.target, true));
    }
    return { entities, unreadable, files: visited.size };
  }

  async #expand(target: string): Promise<string[]> {
    if (!isDynamicPattern(target)) {
      return [path.resolve(target)];
    }
    const files = await glob(target.replaceAll(path.sep, '/'), {
      absolute: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      ignore: ['**/node_modules/**'],
      fs: linksAsFiles,
    });
    return files.map((file) => path.resolve(file)).sort();
  }
}

/**
 * The glob walks real directories only and never into a symbolic link (a link to `/` would have it
 * walk the machine), but it lists every other entry its pattern matches: links, FIFOs and devices
 * too, so that {@link readCatalogFile} refuses them and the refusal is listed, rather than the
 * file silently missing. tinyglobby's walker lists only what `readdir` calls a file.
 */
const linksAsFiles = {
  ...nodeFs,
  readdir: ((dir: string, options: object, callback: (error: Error | null, entries: nodeFs.Dirent[]) => void) =>
    nodeFs.readdir(dir, { ...options, withFileTypes: true }, (error, entries) =>
      callback(error, (entries ?? []).map(asFileUnlessDirectory)),
    )) as unknown as typeof nodeFs.readdir,
  readdirSync: ((dir: string, options: object) =>
    nodeFs
      .readdirSync(dir, { ...options, withFileTypes: true })
      .map(asFileUnlessDirectory)) as unknown as typeof nodeFs.readdirSync,
};

function asFileUnlessDirectory(entry: nodeFs.Dirent): nodeFs.Dirent {
  const isDirectory = entry.isDirectory();
  return Object.assign(Object.create(entry) as nodeFs.Dirent, {
    isDirectory: () => isDirectory,
    isFile: () => !isDirectory,
    isSymbolicLink: () => false,
  });
}

/**
 * The bytes of a catalog file, read only when it is a regular file whose real path lies inside the
 * real path of `root`, the folder of its configured location. The real path is opened with
 * O_NOFOLLOW (a link swapped in after the check is refused) and O_NONBLOCK (a FIFO never blocks
 * the open), the opened descriptor must be a regular file, and at most 5 MiB are read from it
 * whatever size it claims, so a device, a FIFO or a growing file cannot hold the refresh.
 */
async function readCatalogFile(file: string, root: string, realRoot: Promise<string>): Promise<Buffer> {
  const real = await fs.realpath(file);
  if (!isInside(real, await realRoot)) {
    throw new Error(`leads outside ${root}, the folder of the configured location it was reached from`);
  }
  const handle = await fs.open(
    real,
    nodeFs.constants.O_RDONLY | nodeFs.constants.O_NOFOLLOW | nodeFs.constants.O_NONBLOCK,
  );
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new Error(`is ${fileType(stat)}; only regular files are read`);
    }
    if (stat.size > MAX_FILE_BYTES) {
      throw new Error(`file is ${stat.size} bytes, more than the ${MAX_FILE_BYTES} an entity file may have`);
    }
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) {
        break;
      }
      length += bytesRead;
      if (length > MAX_FILE_BYTES) {
        throw new Error(`file grew past the ${MAX_FILE_BYTES} bytes an entity file may have while it was read`);
      }
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function fileType(stat: nodeFs.Stats): string {
  const types: [boolean, string][] = [
    [stat.isDirectory(), 'a directory'],
    [stat.isFIFO(), 'a FIFO'],
    [stat.isCharacterDevice(), 'a character device'],
    [stat.isBlockDevice(), 'a block device'],
    [stat.isSocket(), 'a socket'],
  ];
  return types.find(([is]) => is)?.[1] ?? 'not a regular file';
}

/** The documents of a YAML file: empty documents are skipped; a syntax error fails the file. */
function parseEntityFile(bytes: Buffer): unknown[] {
  const text = bytes.toString('utf8');
  const documents = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(documents)) {
    return [];
  }
  const values: unknown[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      const [first] = document.errors;
      throw new Error(`YAML syntax error: ${first!.message.split('\n')[0]}`);
    }
    const value = document.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) {
      values.push(value);
    }
  }
  return values;
}

/** The files a `Location` entity points at, resolved against the file that holds it. */
function locationTargets(document: unknown, file: string): string[] {
  const entity = document as { kind?: unknown; spec?: { type?: unknown; target?: unknown; targets?: unknown } } | null;
  if (typeof entity?.kind !== 'string' || entity.kind.toLowerCase() !== 'location' || !entity.spec) {
    return [];
  }
  if (entity.spec.type !== undefined && entity.spec.type !== 'file') {
    return [];
  }
  const targets = [entity.spec.target, ...(Array.isArray(entity.spec.targets) ? entity.spec.targets : [])];
  return targets
    .filter((t): t is string => typeof t === 'string' && t.length > 0)
    .map((t) => path.resolve(path.dirname(file), t));
}

/**
 * The folder a path or glob stays within: the part before the first segment with glob
 * characters, or the file's folder. Location entities may only point inside the folder of the
 * configured location they were reached from, so a catalog file cannot make the backend read
 * files elsewhere on the machine.
 */
function staticBase(target: string, isConfigured = false): string {
  const resolved = path.resolve(target);
  if (!isDynamicPattern(resolved)) {
    return isConfigured ? path.dirname(resolved) : resolved;
  }
  const segments = resolved.split(path.sep);
  const firstDynamic = segments.findIndex((segment) => isDynamicPattern(segment));
  return segments.slice(0, firstDynamic).join(path.sep) || path.sep;
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

async function realPathOrSelf(folder: string): Promise<string> {
  return fs.realpath(folder).catch(() => folder);
}
