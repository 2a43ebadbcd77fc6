export { urlReaderServiceFactory } from './urlReaderServiceFactory';
export { UrlReaderPredicateMux } from './UrlReaderPredicateMux';
export { FetchUrlReader } from './FetchUrlReader';
export { DefaultReadTreeResponseFactory } from './DefaultReadTreeResponseFactory';
export type { ReadTreeLimits } from './DefaultReadTreeResponseFactory';
export { readUrlReaderConfig, urlReaderDefaults } from './readUrlReaderConfig';
export type { IntegrationConfig, ReadingAllowRule, UrlReaderSettings } from './readUrlReaderConfig';
