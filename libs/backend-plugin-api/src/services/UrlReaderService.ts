import type { Readable } from 'node:stream';

/**
 * Reads files and file trees from URLs: plain HTTP(S) hosts the configuration allows, and the
 * source-code hosts configured under `integrations`. Each URL goes to the first reader whose
 * host matches; a URL no reader accepts is refused with a `NotAllowedError`.
 *
 * @public
 */
export interface UrlReaderService {
  /** Reads one file. */
  readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse>;
  /** Reads a directory of files, such as a repository at a branch or a folder inside it. */
  readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse>;
  /** Finds the files whose path matches the glob pattern in the URL, such as `.../blob/main/**\/catalog-info.yaml`. */
  search(url: string, options?: UrlReaderServiceSearchOptions): Promise<UrlReaderServiceSearchResponse>;
}

/**
 * Options of {@link UrlReaderService.readUrl}.
 *
 * @public
 */
export type UrlReaderServiceReadUrlOptions = {
  /**
   * The `etag` of an earlier response. When the content still has this ETag, `readUrl` throws a
   * `NotModifiedError` instead of downloading it again.
   */
  etag?: string;
  /**
   * The `lastModifiedAt` of an earlier response. When the content has not changed since then,
   * `readUrl` throws a `NotModifiedError`.
   */
  lastModifiedAfter?: Date;
  /** Cancels the request; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A token to use for this call instead of the one configured for the integration. */
  token?: string;
};

/**
 * The result of {@link UrlReaderService.readUrl}.
 *
 * @public
 */
export type UrlReaderServiceReadUrlResponse = {
  /** The whole content. */
  buffer(): Promise<Buffer>;
  /** The content as a stream. */
  stream?(): Readable;
  /** Identifies this version of the content; pass it as `etag` on the next call. */
  etag?: string;
  /** When the content last changed, if the host says. */
  lastModifiedAt?: Date;
};

/**
 * Options of {@link UrlReaderService.readTree}.
 *
 * @public
 */
export type UrlReaderServiceReadTreeOptions = {
  /**
   * Chooses the files to include. The path is relative to the URL that was read, without a
   * leading `/`: reading `.../tree/main/docs` gives `guide/intro.md` for `docs/guide/intro.md`.
   * Without a filter every file is included.
   */
  filter?(path: string, info?: { size: number }): boolean;
  /**
   * The `etag` of an earlier response, usually a commit SHA. When the tree is still at this
   * version, `readTree` throws a `NotModifiedError` without downloading it.
   */
  etag?: string;
  /** Cancels the request; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A token to use for this call instead of the one configured for the integration. */
  token?: string;
};

/**
 * Options of {@link UrlReaderServiceReadTreeResponse.dir}.
 *
 * @public
 */
export type UrlReaderServiceReadTreeResponseDirOptions = {
  /** The directory to create the tree's folder in; `backend.workingDirectory` or the OS temp directory by default. */
  targetDir?: string;
};

/**
 * The result of {@link UrlReaderService.readTree}.
 *
 * @public
 */
export type UrlReaderServiceReadTreeResponse = {
  /** Every file of the tree with a function that reads its content. */
  files(): Promise<UrlReaderServiceReadTreeResponseFile[]>;
  /** The tree as a gzipped tar archive. */
  archive(): Promise<NodeJS.ReadableStream>;
  /** Writes the tree into a new directory and returns its path; the caller removes it after use. */
  dir(options?: UrlReaderServiceReadTreeResponseDirOptions): Promise<string>;
  /** Identifies this version of the tree, usually the commit SHA; pass it as `etag` on the next call. */
  etag: string;
};

/**
 * One file of a {@link UrlReaderServiceReadTreeResponse}.
 *
 * @public
 */
export type UrlReaderServiceReadTreeResponseFile = {
  /** The path relative to the URL that was read, without a leading `/`. */
  path: string;
  /** The file's content. */
  content(): Promise<Buffer>;
  /** When the file last changed, if known. */
  lastModifiedAt?: Date;
};

/**
 * Options of {@link UrlReaderService.search}.
 *
 * @public
 */
export type UrlReaderServiceSearchOptions = {
  /**
   * The `etag` of an earlier response, usually a commit SHA. When the tree is still at this
   * version, `search` throws a `NotModifiedError`.
   */
  etag?: string;
  /** Cancels the request; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A token to use for this call instead of the one configured for the integration. */
  token?: string;
};

/**
 * The result of {@link UrlReaderService.search}.
 *
 * @public
 */
export type UrlReaderServiceSearchResponse = {
  /** The matching files. */
  files: UrlReaderServiceSearchResponseFile[];
  /** Identifies this version of the searched tree, usually the commit SHA. */
  etag: string;
};

/**
 * One file of a {@link UrlReaderServiceSearchResponse}.
 *
 * @public
 */
export type UrlReaderServiceSearchResponseFile = {
  /** The file's full URL, which `readUrl` accepts. */
  url: string;
  /** The file's content. */
  content(): Promise<Buffer>;
  /** When the file last changed, if known. */
  lastModifiedAt?: Date;
};
