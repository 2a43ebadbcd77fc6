import {
  UrlReaderService,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@trellis/backend-plugin-api';
import { NotImplementedError } from '@trellis/errors';
import { fetchLimited } from './fetchLimited';
import { displayUrl, isAllowedByRules } from './hostRules';
import { UrlReaderSettings } from './readUrlReaderConfig';
import { conditionalHeaders, toReadUrlResponse } from './readUrlResponse';

/**
 * Reads single files over plain HTTP(S) from the hosts and paths of `backend.reading.allow`.
 * Redirects are followed only to URLs the same list allows.
 *
 * @public
 */
export class FetchUrlReader implements UrlReaderService {
  readonly #settings: UrlReaderSettings;

  private constructor(settings: UrlReaderSettings) {
    this.#settings = settings;
  }

  static create(settings: UrlReaderSettings): FetchUrlReader {
    return new FetchUrlReader(settings);
  }

  /** Whether `backend.reading.allow` lets this reader read the URL. */
  handles(url: URL): boolean {
    return isAllowedByRules(url, this.#settings.allow);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    const response = await fetchLimited(url, {
      headers: conditionalHeaders(options),
      credentials: options?.token ? { Authorization: `Bearer ${options.token}` } : undefined,
      signal: options?.signal,
      timeoutMs: this.#settings.timeoutMs,
      maxBytes: this.#settings.maxResponseBytes,
      maxRedirects: this.#settings.maxRedirects,
      allowRedirect: (target) => this.handles(target),
    });
    return toReadUrlResponse(response, url, options);
  }

  async readTree(url: string): Promise<UrlReaderServiceReadTreeResponse> {
    throw new NotImplementedError(
      `Cannot read a tree from '${displayUrl(url)}': plain HTTP hosts serve single files only; configure an integration (integrations.github, gitlab or bitbucketServer) for that host`,
    );
  }

  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    throw new NotImplementedError(
      `Cannot search '${displayUrl(url)}': plain HTTP hosts serve single files only; configure an integration (integrations.github, gitlab or bitbucketServer) for that host`,
    );
  }

  toString(): string {
    return `fetch{allow=${this.#settings.allow.map((rule) => rule.host).join(',')}}`;
  }
}
