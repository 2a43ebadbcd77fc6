import {
  ReadTreeResponseFactory,
  ReadTreeResponseFactoryFilesOptions,
  ReadTreeResponseFactoryOptions,
  UrlReaderServiceReadTreeResponse,
} from '@trellis/backend-plugin-api';
import { PayloadTooLargeError } from '@trellis/errors';
import { FileTreeResponse } from './FileTreeResponse';
import { readTarEntries } from './readTarEntries';
import { displayUrl } from './hostRules';

/** Limits applied to every tree. @public */
export interface ReadTreeLimits {
  maxTreeBytes: number;
  maxTreeFiles: number;
  workingDirectory?: string;
}

/**
 * Builds read-tree responses from host archives or file lists, within the configured limits.
 *
 * @public
 */
export class DefaultReadTreeResponseFactory implements ReadTreeResponseFactory {
  readonly #limits: ReadTreeLimits;

  private constructor(limits: ReadTreeLimits) {
    this.#limits = limits;
  }

  static create(limits: ReadTreeLimits): DefaultReadTreeResponseFactory {
    return new DefaultReadTreeResponseFactory(limits);
  }

  async fromTarArchive(options: ReadTreeResponseFactoryOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const files = await readTarEntries({
      stream: options.stream,
      subpath: (options.subpath ?? '').replace(/^\/+|\/+$/g, ''),
      stripFirstDirectory: options.stripFirstDirectory ?? true,
      filter: options.filter,
      maxTreeBytes: this.#limits.maxTreeBytes,
      maxTreeFiles: this.#limits.maxTreeFiles,
      source: options.url ? `The archive of '${displayUrl(options.url)}'` : 'The archive',
    });
    return FileTreeResponse.create({ files, etag: options.etag, workingDirectory: this.#limits.workingDirectory });
  }

  async fromFiles(options: ReadTreeResponseFactoryFilesOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const total = options.files.reduce((sum, file) => sum + file.content.length, 0);
    if (options.files.length > this.#limits.maxTreeFiles || total > this.#limits.maxTreeBytes) {
      throw new PayloadTooLargeError(
        `The tree has ${options.files.length} files of ${total} bytes, over the limit (backend.reading.maxTreeFiles, maxTreeBytes)`,
      );
    }
    for (const file of options.files) {
      const segments = file.path.replace(/\\/g, '/').split('/');
      if (file.path.startsWith('/') || segments.includes('..') || /^[A-Za-z]:/.test(file.path)) {
        throw new Error(`Tree file path '${file.path}' must be relative and stay inside the tree`);
      }
    }
    return FileTreeResponse.create({
      files: options.files,
      etag: options.etag,
      workingDirectory: this.#limits.workingDirectory,
    });
  }
}
