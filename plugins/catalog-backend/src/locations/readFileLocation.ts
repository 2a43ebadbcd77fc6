import nodeFs from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { parseAllDocuments } from 'yaml';

/** Largest entity file (or URL body) read; a bigger one is reported, not read. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** The first buffer of a read, for files that claim less (files of /proc claim 0 bytes). */
const MIN_READ_BYTES = 16 * 1024;

/** The files a file target names: itself, or those its glob matches, in path order. */
export async function expandFileTarget(target: string): Promise<string[]> {
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
export async function readCatalogFile(file: string, root: string, realRoot: Promise<string>): Promise<Buffer> {
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
    // Room for the size it claims and one byte more, to see the end without another read; grown
    // (up to one byte past the limit) for a file that grows while it is read or claims no size.
    let buffer = Buffer.allocUnsafe(Math.max(stat.size + 1, MIN_READ_BYTES));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, MAX_FILE_BYTES + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
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
export function parseEntityFile(bytes: Buffer): unknown[] {
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

/**
 * The folder a path or glob stays within: the part before the first segment with glob
 * characters, or the file's folder. Location entities may only point inside the folder of the
 * configured location they were reached from, so a catalog file cannot make the backend read
 * files elsewhere on the machine.
 */
export function staticBase(target: string, isConfigured = false): string {
  const resolved = path.resolve(target);
  if (!isDynamicPattern(resolved)) {
    return isConfigured ? path.dirname(resolved) : resolved;
  }
  const segments = resolved.split(path.sep);
  const firstDynamic = segments.findIndex((segment) => isDynamicPattern(segment));
  return segments.slice(0, firstDynamic).join(path.sep) || path.sep;
}

export function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative));
}

export async function realPathOrSelf(folder: string): Promise<string> {
  return fs.realpath(folder).catch(() => folder);
}
