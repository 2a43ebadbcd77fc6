import { open, realpath, stat } from 'node:fs/promises';
import { constants, Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { InputError } from '@trellis/errors';

/** Options of {@link readDefinitionFile}. @internal */
export interface ReadDefinitionFileOptions {
  /** The absolute path of the file the entity was read from. */
  entityFile: string;
  /** The path the entity gives, relative to its file's folder. */
  target: unknown;
  /** Files larger than this are refused. */
  maxBytes: number;
}

/** A definition file as read. @internal */
export interface DefinitionFile {
  path: string;
  text: string;
}

/**
 * Reads a file named relative to an entity's file, refusing absolute paths, paths (and symbolic
 * links) that leave the entity file's folder, non-files, files over `maxBytes` and text that is
 * not UTF-8. Every refusal is an `InputError` that says what to change.
 *
 * @internal
 */
export async function readDefinitionFile(options: ReadDefinitionFileOptions): Promise<DefinitionFile> {
  const folder = dirname(resolve(options.entityFile));
  const path = resolveInside(folder, options.target);
  const realPath = await realPathInside(folder, path);
  return { path, text: await readLimited(path, realPath, options.maxBytes) };
}

function resolveInside(folder: string, target: unknown): string {
  if (typeof target !== 'string' || target.trim() === '') {
    throw new InputError(
      "$openapi must be a non-empty path relative to the entity's file, such as ./openapi/orders.yaml",
    );
  }
  if (target.includes('\0')) {
    throw new InputError('$openapi holds a NUL character');
  }
  if (isAbsolute(target) || win32.isAbsolute(target)) {
    throw new InputError(
      `$openapi '${target}' is an absolute path; write a path relative to the entity's file, such as ./openapi/orders.yaml`,
    );
  }
  const path = resolve(folder, target);
  if (!isInside(folder, path)) {
    throw new InputError(
      `$openapi '${target}' leaves the folder of the entity's file (${folder}); keep the definition in that folder or below it`,
    );
  }
  return path;
}

async function realPathInside(folder: string, path: string): Promise<string> {
  let realPath: string;
  try {
    realPath = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new InputError(`the file ${path} does not exist`);
    }
    throw error;
  }
  // A symbolic link inside the folder must not lead outside it either.
  if (!isInside(await realpath(folder), realPath)) {
    throw new InputError(`the file ${path} is a symbolic link to ${realPath}, outside the folder of the entity's file`);
  }
  return realPath;
}

async function readLimited(path: string, realPath: string, maxBytes: number): Promise<string> {
  // Checked before opening: opening a FIFO would wait for a writer.
  checkFile(path, await stat(realPath), maxBytes);
  // O_NOFOLLOW: a symbolic link swapped in after the checks above is not followed.
  const handle = await open(realPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    checkFile(path, await handle.stat(), maxBytes);
    const bytes = await handle.readFile();
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) {
      throw new InputError(`the file ${path} is over the limit of ${formatBytes(maxBytes)}`);
    }
    return decodeUtf8(path, bytes);
  } finally {
    await handle.close();
  }
}

function checkFile(path: string, stats: Stats, maxBytes: number): void {
  if (!stats.isFile()) {
    throw new InputError(`${path} is not a regular file`);
  }
  if (stats.size > maxBytes) {
    throw new InputError(`the file ${path} is ${stats.size} bytes, over the limit of ${formatBytes(maxBytes)}`);
  }
}

function decodeUtf8(path: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`the file ${path} is not UTF-8 text`);
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** `5 MiB` for whole mebibytes, otherwise the bytes. @internal */
export function formatBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return Number.isInteger(mebibytes) ? `${mebibytes} MiB` : `${bytes} bytes`;
}
