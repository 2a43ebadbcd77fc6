import type { Readable } from 'node:stream';
import { createServiceFactory } from './createServiceFactory';
import { createServiceRef } from './createServiceRef';
import type { RootConfigService } from './services/ConfigService';
import type { LoggerService } from './services/LoggerService';
import type {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
} from './services/UrlReaderService';

/**
 * A reader and the URLs it handles.
 *
 * @public
 */
export type UrlReaderPredicateTuple = {
  /** Whether this reader handles the URL; checked in order, the first match wins. */
  predicate: (url: URL) => boolean;
  reader: UrlReaderService;
};

/**
 * Options of {@link ReadTreeResponseFactory.fromTarArchive}.
 *
 * @public
 */
export type ReadTreeResponseFactoryOptions = {
  /** The archive as the host sent it, gzipped or not. */
  stream: Readable;
  /** The folder inside the archive to return, relative to its root; the whole archive when empty. */
  subpath?: string;
  /** The version of the tree, returned as the response's `etag`. */
  etag: string;
  /** The caller's filter, applied to paths relative to `subpath`. */
  filter?: UrlReaderServiceReadTreeOptions['filter'];
  /** Drop the single top-level folder that host archives wrap the tree in (default true). */
  stripFirstDirectory?: boolean;
  /** Used in error messages; never contains credentials. */
  url?: string;
};

/**
 * Options of {@link ReadTreeResponseFactory.fromFiles}.
 *
 * @public
 */
export type ReadTreeResponseFactoryFilesOptions = {
  files: Array<{ path: string; content: Buffer; lastModifiedAt?: Date }>;
  etag: string;
};

/**
 * Builds {@link UrlReaderServiceReadTreeResponse}s with the backend's limits on file count and
 * size, and with archive entries that escape the tree refused.
 *
 * @public
 */
export interface ReadTreeResponseFactory {
  fromTarArchive(options: ReadTreeResponseFactoryOptions): Promise<UrlReaderServiceReadTreeResponse>;
  fromFiles(options: ReadTreeResponseFactoryFilesOptions): Promise<UrlReaderServiceReadTreeResponse>;
}

/**
 * Creates readers for the URL reader service from configuration.
 *
 * @public
 */
export type ReaderFactory = (options: {
  config: RootConfigService;
  logger: LoggerService;
  treeResponseFactory: ReadTreeResponseFactory;
}) => UrlReaderPredicateTuple[];

/**
 * Adds readers to `coreServices.urlReader`: register a factory for this ref with
 * `backend.add(createServiceFactory({ service: urlReaderFactoriesServiceRef, deps: {}, factory: () => myReaderFactory }))`.
 * Readers added this way are asked before the built-in ones, so they can take over a host.
 *
 * @public
 */
export const urlReaderFactoriesServiceRef = createServiceRef<ReaderFactory>({
  id: 'core.urlReader.factories',
  scope: 'root',
  multiton: true,
  defaultFactory: async (ref) => createServiceFactory({ service: ref, deps: {}, factory: () => () => [] }),
});
