import {
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadTreeResponseDirOptions,
  UrlReaderServiceReadTreeResponseFile,
} from '@trellis/backend-plugin-api';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { TreeFile } from './readTarEntries';

/**
 * A read tree held in memory as regular files with safe relative paths (checked when the tree
 * was read). `dir()` writes them into a new folder, `archive()` packs them as a gzipped tar.
 *
 * @public
 */
export class FileTreeResponse implements UrlReaderServiceReadTreeResponse {
  readonly etag: string;
  readonly #files: TreeFile[];
  readonly #workingDirectory?: string;

  private constructor(files: TreeFile[], etag: string, workingDirectory?: string) {
    this.#files = files;
    this.etag = etag;
    this.#workingDirectory = workingDirectory;
  }

  static create(options: { files: TreeFile[]; etag: string; workingDirectory?: string }): FileTreeResponse {
    return new FileTreeResponse(options.files, options.etag, options.workingDirectory);
  }

  async files(): Promise<UrlReaderServiceReadTreeResponseFile[]> {
    return this.#files.map((file) => ({
      path: file.path,
      content: async () => file.content,
      lastModifiedAt: file.lastModifiedAt,
    }));
  }

  async dir(options?: UrlReaderServiceReadTreeResponseDirOptions): Promise<string> {
    const parent = options?.targetDir ?? this.#workingDirectory ?? os.tmpdir();
    const root = await fs.mkdtemp(path.join(parent, 'trellis-tree-'));
    for (const file of this.#files) {
      const target = path.resolve(root, file.path);
      if (!target.startsWith(root + path.sep)) {
        throw new Error(`Refusing to write '${file.path}' outside '${root}'`);
      }
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, file.content);
    }
    return root;
  }

  async archive(): Promise<NodeJS.ReadableStream> {
    const root = await this.dir();
    const out = new PassThrough();
    const cleanup = () => void fs.rm(root, { recursive: true, force: true });
    const entries = this.#files.map((f) => f.path);
    const { create: createTar } = await import('tar');
    const packed = createTar({ gzip: true, cwd: root, portable: true }, entries.length > 0 ? entries : []);
    packed.on('error', (error: unknown) => out.destroy(error as Error));
    out.on('close', cleanup);
    packed.pipe(out);
    return out;
  }
}
