import {
  coreServices,
  createServiceFactory,
  ReadTreeResponseFactory,
  UrlReaderPredicateTuple,
  urlReaderFactoriesServiceRef,
} from '@trellis/backend-plugin-api';
import { BitbucketServerUrlReader } from './BitbucketServerUrlReader';
import { DefaultReadTreeResponseFactory } from './DefaultReadTreeResponseFactory';
import { FetchUrlReader } from './FetchUrlReader';
import { GithubUrlReader } from './GithubUrlReader';
import { GitlabUrlReader } from './GitlabUrlReader';
import { readUrlReaderConfig, UrlReaderSettings } from './readUrlReaderConfig';
import { UrlReaderPredicateMux } from './UrlReaderPredicateMux';

/**
 * The built-in readers, asked after those added through `urlReaderFactoriesServiceRef`: the
 * configured integrations, then plain HTTP for `backend.reading.allow`.
 */
function builtInReaders(
  settings: UrlReaderSettings,
  treeResponseFactory: ReadTreeResponseFactory,
): UrlReaderPredicateTuple[] {
  const hosts = [
    ...settings.github.map((integration) => GithubUrlReader.create({ integration, settings, treeResponseFactory })),
    ...settings.gitlab.map((integration) => GitlabUrlReader.create({ integration, settings, treeResponseFactory })),
    ...settings.bitbucketServer.map((integration) =>
      BitbucketServerUrlReader.create({ integration, settings, treeResponseFactory }),
    ),
    FetchUrlReader.create(settings),
  ];
  return hosts.map((reader) => ({ predicate: (url: URL) => reader.handles(url), reader }));
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
