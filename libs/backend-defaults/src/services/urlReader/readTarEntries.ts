import { InputError, PayloadTooLargeError } from '@trellis/errors';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// Loaded on first use: requiring tar costs tens of milliseconds of every backend start.
const loadTar = () => import('tar');
type ReadEntry = InstanceType<Awaited<ReturnType<typeof loadTar>>['ReadEntry']>;

/** A regular file taken from an archive. @public */
export interface TreeFile {
  path: string;
  content: Buffer;
  lastModifiedAt?: Date;
}

/** What {@link readTarEntries} keeps and what it refuses. @public */
export interface ReadTarEntriesOptions {
  stream: Readable;
  /** Folder inside the archive (after stripping) to keep, without leading or trailing `/`. */
  subpath: string;
  stripFirstDirectory: boolean;
  filter?: (path: string, info?: { size: number }) => boolean;
  maxTreeBytes: number;
  maxTreeFiles: number;
  /** Names the archive in error messages. */
  source: string;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const LINK_TYPES = new Set(['SymbolicLink', 'Link']);

/**
 * Reads the regular files of a (gzipped) tar archive into memory. Refuses the whole archive when
 * an entry has an absolute path or climbs out with `..`, when a link points outside the tree, or
 * when the kept files pass the count or size limit. Links inside the tree are skipped: the
 * response holds regular files only.
 *
 * @public
 */
export async function readTarEntries(options: ReadTarEntriesOptions): Promise<TreeFile[]> {
  const files: TreeFile[] = [];
  let totalBytes = 0;
  let failure: Error | undefined;
  const { Parser } = await loadTar();
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      try {
        const kept = failure ? undefined : inspect(entry, options);
        if (!kept) {
          entry.resume();
          return;
        }
        if (files.length + 1 > options.maxTreeFiles) {
          throw new PayloadTooLargeError(
            `${options.source} has more than ${options.maxTreeFiles} files (backend.reading.maxTreeFiles)`,
          );
        }
        totalBytes += entry.size;
        if (totalBytes > options.maxTreeBytes) {
          throw new PayloadTooLargeError(
            `${options.source} is larger than ${options.maxTreeBytes} bytes unpacked (backend.reading.maxTreeBytes)`,
          );
        }
        collect(entry, kept, files);
      } catch (error) {
        failure ??= error as Error;
        entry.resume();
        parser.abort(failure);
      }
    },
  });
  try {
    await pipeline(options.stream, parser);
  } catch (error) {
    throw failure ?? describeParseError(error, options.source);
  }
  if (failure) {
    throw failure;
  }
  return files;
}

function collect(entry: ReadEntry, relative: string, files: TreeFile[]): void {
  const chunks: Buffer[] = [];
  const mtime = entry.mtime;
  entry.on('data', (chunk: Buffer) => chunks.push(chunk));
  entry.on('end', () => files.push({ path: relative, content: Buffer.concat(chunks), lastModifiedAt: mtime }));
}

/** The path to keep the entry under, or undefined to skip it; throws for entries that escape. */
function inspect(entry: ReadEntry, options: ReadTarEntriesOptions): string | undefined {
  const raw = entry.path;
  const inTree = treePath(raw, options);
  if (LINK_TYPES.has(entry.type)) {
    checkLink(raw, entry.linkpath ?? '', entry.type, options);
    return undefined;
  }
  if (!FILE_TYPES.has(entry.type) || inTree === undefined) {
    return undefined;
  }
  if (options.filter && !options.filter(inTree, { size: entry.size })) {
    return undefined;
  }
  return inTree;
}

/** The entry's path relative to the tree root (after stripping and subpath), or undefined outside it. */
function treePath(raw: string, options: ReadTarEntriesOptions): string | undefined {
  const normalized = safeNormalize(raw, options.source);
  const segments = normalized.split('/').filter(Boolean);
  const rest = options.stripFirstDirectory ? segments.slice(1) : segments;
  if (rest.length === 0) {
    return undefined;
  }
  const joined = rest.join('/');
  if (!options.subpath) {
    return joined;
  }
  return joined.startsWith(`${options.subpath}/`) ? joined.slice(options.subpath.length + 1) : undefined;
}

function safeNormalize(raw: string, source: string): string {
  const unified = raw.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[A-Za-z]:/.test(unified) || unified.split('/').includes('..')) {
    throw new InputError(`${source} holds an entry outside its root: '${raw}'; the archive was refused`);
  }
  return path.posix.normalize(unified);
}

function checkLink(raw: string, target: string, type: string, options: ReadTarEntriesOptions): void {
  const unified = target.replace(/\\/g, '/');
  // Hard link targets are archive paths; symbolic link targets are relative to the link's folder.
  const resolved =
    type === 'Link'
      ? path.posix.normalize(unified)
      : path.posix.normalize(path.posix.join(path.posix.dirname(raw), unified));
  const escapes =
    unified.startsWith('/') || /^[A-Za-z]:/.test(unified) || resolved === '..' || resolved.startsWith('../');
  const outsideTop =
    options.stripFirstDirectory &&
    resolved.split('/')[0] !== path.posix.normalize(raw.replace(/\\/g, '/')).split('/')[0];
  if (escapes || outsideTop) {
    throw new InputError(`${options.source} holds a link '${raw}' pointing outside the tree; the archive was refused`);
  }
}

function describeParseError(error: unknown, source: string): Error {
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PayloadTooLargeError) {
    return error;
  }
  return new InputError(`${source} is not a valid tar archive: ${message}`);
}
