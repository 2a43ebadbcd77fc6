import {
  coreServices,
  createServiceFactory,
  ReadTreeResponseFactory,
  UrlReaderPredicateTuple,
  urlReaderFactoriesServiceRef,
} from '@trellis/backend-plugin-api';
import { DefaultReadTreeResponseFactory } from './DefaultReadTreeResponseFactory';
import { FetchUrlReader } from './FetchUrlReader';
import { readUrlReaderConfig, UrlReaderSettings } from './readUrlReaderConfig';
import { UrlReaderPredicateMux } from './UrlReaderPredicateMux';

/**
 * The built-in readers, asked after those added through `urlReaderFactoriesServiceRef`: the
 * configured integrations, then plain HTTP for `backend.reading.allow`.
 */
function builtInReaders(settings: UrlReaderSettings, _trees: ReadTreeResponseFactory): UrlReaderPredicateTuple[] {
  const fetchReader = FetchUrlReader.create(settings);
  return [{ predicate: (url) => fetchReader.handles(url), reader: fetchReader }];
}

/**
 * The default URL reader: one set of readers per backend, built from `integrations` and
 * `backend.reading` (validated on first use, which fails the plugin's start when invalid), with
 * the readers that modules add through `urlReaderFactoriesServiceRef` asked first.
 *
 * @public
 */
export const urlReaderServiceFactory = createServiceFactory({
  service: coreServices.urlReader,
  deps: {
    config: coreServices.rootConfig,
    rootLogger: coreServices.rootLogger,
    factories: urlReaderFactoriesServiceRef,
  },
  createRootContext({ config, rootLogger, factories }) {
    const settings = readUrlReaderConfig(config);
    const treeResponseFactory = DefaultReadTreeResponseFactory.create(settings);
    const logger = rootLogger.child({ service: 'urlReader' });
    const readers = [
      ...factories.flatMap((factory) => factory({ config, logger, treeResponseFactory })),
      ...builtInReaders(settings, treeResponseFactory),
    ];
    return UrlReaderPredicateMux.create(readers);
  },
  factory: (_deps, reader) => reader,
});
