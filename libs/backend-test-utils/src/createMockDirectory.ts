import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a callback entry of {@link MockDirectoryContent} receives. @public */
export interface MockDirectoryContentCallbackContext {
  /** Absolute path of the entry. */
  path: string;
  /** Makes the entry a symbolic link to `target`. */
  symlink(target: string): void;
}

/** A callback entry of {@link MockDirectoryContent}. @public */
export type MockDirectoryContentCallback = (ctx: MockDirectoryContentCallbackContext) => void;

/**
 * A directory tree: a string or Buffer is a file, an object a directory, a function an entry it
 * creates itself (such as a symbolic link).
 *
 * @public
 */
export type MockDirectoryContent = {
  [name in string]: MockDirectoryContent | string | Buffer | MockDirectoryContentCallback;
};

/** Options of {@link MockDirectory.content}. @public */
export interface MockDirectoryContentOptions {
  /** The folder to read, relative to the mock directory or absolute inside it; its root by default. */
  path?: string;
  /** Which files to return as text instead of a Buffer; files that are valid UTF-8 by default. */
  shouldReadAsText?: boolean | ((path: string, buffer: Buffer) => boolean);
}

/** A temporary directory for a test, removed after the test file. @public */
export interface MockDirectory {
  readonly path: string;
  /** A path inside the directory; throws for a path that would leave it. */
  resolve(...paths: string[]): string;
  /** Replaces the whole content with `root`. */
  setContent(root: MockDirectoryContent): void;
  /** Adds `root` to the content, overwriting files of the same name. */
  addContent(root: MockDirectoryContent): void;
  /** Reads the content back as a tree; `undefined` when the folder does not exist. */
  content(options?: MockDirectoryContentOptions): MockDirectoryContent | undefined;
  /** Empties the directory. */
  clear(): void;
  /** Removes the directory. */
  remove(): void;
}

/** Options of {@link createMockDirectory}. @public */
export interface CreateMockDirectoryOptions {
  /** Initial content. */
  content?: MockDirectoryContent;
}

const created = new Set<string>();

function isText(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

/**
 * Creates a fresh temporary directory for a test; it is removed by an `afterAll` hook.
 *
 * @public
 */
export function createMockDirectory(options: CreateMockDirectoryOptions = {}): MockDirectory {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-mock-dir-')));
  created.add(root);

  const resolve = (...paths: string[]) => {
    const target = path.resolve(root, ...paths);
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
      throw new Error(`Path '${paths.join('/')}' is outside the mock directory ${root}`);
    }
    return target;
  };

  const write = (dir: string, content: MockDirectoryContent) => {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, entry] of Object.entries(content)) {
      const target = resolve(dir, name);
      if (typeof entry === 'function') {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        entry({ path: target, symlink: (to) => fs.symlinkSync(to, target) });
      } else if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.rmSync(target, { recursive: true, force: true });
        fs.writeFileSync(target, entry);
      } else {
        write(target, entry);
      }
    }
  };

  const read = (dir: string, asText: MockDirectoryContentOptions['shouldReadAsText']): MockDirectoryContent => {
    const out: MockDirectoryContent = {};
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        out[entry.name] = read(full, asText);
        continue;
      }
      const buffer = fs.readFileSync(full);
      const text = typeof asText === 'function' ? asText(full, buffer) : (asText ?? isText(buffer));
      out[entry.name] = text ? buffer.toString('utf8') : buffer;
    }
    return out;
  };

  const clear = () => {
    for (const name of fs.readdirSync(root)) {
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  };

  const directory: MockDirectory = {
    path: root,
    resolve,
    setContent(content) {
      clear();
      write(root, content);
    },
    addContent(content) {
      write(root, content);
    },
    content(contentOptions = {}) {
      const dir = resolve(contentOptions.path ?? '.');
      return fs.existsSync(dir) ? read(dir, contentOptions.shouldReadAsText) : undefined;
    },
    clear,
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
      created.delete(root);
    },
  };
  if (options.content) {
    write(root, options.content);
  }
  return directory;
}

const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (typeof jestAfterAll === 'function') {
  jestAfterAll(() => {
    for (const dir of created) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    created.clear();
  });
}
