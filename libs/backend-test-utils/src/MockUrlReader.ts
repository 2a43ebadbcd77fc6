import { DefaultReadTreeResponseFactory } from '@trellis/backend-defaults';
import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@trellis/backend-plugin-api';
import { InputError, NotFoundError, NotModifiedError } from '@trellis/errors';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** Options of {@link MockUrlReader.create}. @public */
export interface MockUrlReaderOptions {
  /** Content by absolute URL, such as `{ 'https://example.com/catalog-info.yaml': 'kind: Component' }`. */
  files?: Record<string, string | Buffer>;
}

const trees = DefaultReadTreeResponseFactory.create({ maxTreeBytes: 256 * 1024 * 1024, maxTreeFiles: 20_000 });

/**
 * An in-memory URL reader for tests: files by URL, with an ETag per content, `NotModifiedError`
 * for an unchanged ETag, `NotFoundError` for a missing URL, trees as every file under a URL
 * prefix and glob search over them. Files can change between calls with `setFile`.
 *
 * @public
 */
export class MockUrlReader implements UrlReaderService {
  readonly #files = new Map<string, { content: Buffer; lastModifiedAt: Date }>();

  private constructor() {}

  static create(options: MockUrlReaderOptions = {}): MockUrlReader {
    const reader = new MockUrlReader();
    for (const [url, content] of Object.entries(options.files ?? {})) {
      reader.setFile(url, content);
    }
    return reader;
  }

  /** Adds or replaces the content at a URL. */
  setFile(url: string, content: string | Buffer): void {
    this.#files.set(normalize(url), { content: Buffer.from(content), lastModifiedAt: new Date() });
  }

  /** Removes the content at a URL. */
  removeFile(url: string): void {
    this.#files.delete(normalize(url));
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const file = this.#files.get(normalize(url));
    if (!file) {
      throw new NotFoundError(`'${url}' was not found`);
    }
    const etag = etagOf([file.content]);
    if (options?.etag === etag) {
      throw new NotModifiedError(`'${url}' has not changed`);
    }
    return {
      buffer: async () => file.content,
      stream: () => Readable.from([file.content]),
      etag,
      lastModifiedAt: file.lastModifiedAt,
    };
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    const prefix = `${normalize(url).replace(/\/+$/, '')}/`;
    const inTree = [...this.#files.entries()]
      .filter(([fileUrl]) => fileUrl.startsWith(prefix))
      .map(([fileUrl, file]) => ({ path: fileUrl.slice(prefix.length), ...file }))
      .sort((a, b) => a.path.localeCompare(b.path));
    if (inTree.length === 0) {
      throw new NotFoundError(`No files under '${url}'`);
    }
    const etag = etagOf(inTree.flatMap((file) => [Buffer.from(file.path), file.content]));
    if (options?.etag === etag) {
      throw new NotModifiedError(`'${url}' has not changed`);
    }
    const files = inTree.filter((file) => !options?.filter || options.filter(file.path, { size: file.content.length }));
    return trees.fromFiles({ files, etag });
  }

  async search(url: string, options?: UrlReaderServiceSearchOptions): Promise<UrlReaderServiceSearchResponse> {
    const normalized = normalize(url);
    const segments = normalized.split('/');
    const globAt = segments.findIndex((segment, index) => index > 2 && /[*?[\]{}!()]/.test(segment));
    if (globAt === -1) {
      const file = this.#files.get(normalized);
      return file
        ? { etag: etagOf([file.content]), files: [{ url: normalized, content: async () => file.content }] }
        : { etag: '', files: [] };
    }
    const base = segments.slice(0, globAt).join('/');
    const { default: picomatch } = await import('picomatch');
    const isMatch = picomatch(segments.slice(globAt).join('/'), { dot: true });
    const tree = await this.readTree(base, { etag: options?.etag, filter: (path) => isMatch(path) });
    const files = await tree.files();
    return {
      etag: tree.etag,
      files: files.map((file) => ({
        url: `${base}/${file.path}`,
        content: file.content,
        lastModifiedAt: file.lastModifiedAt,
      })),
    };
  }
}

function normalize(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    throw new InputError(`'${url}' is not a valid URL`);
  }
}

function etagOf(parts: Buffer[]): string {
  const hash = createHash('sha256');
  parts.forEach((part) => hash.update(part).update('\0'));
  return `"${hash.digest('hex').slice(0, 32)}"`;
}
