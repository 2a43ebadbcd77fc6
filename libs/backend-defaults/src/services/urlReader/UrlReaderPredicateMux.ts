import {
  UrlReaderPredicateTuple,
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@trellis/backend-plugin-api';
import { InputError, NotAllowedError } from '@trellis/errors';
import { displayUrl } from './hostRules';

/**
 * Sends each URL to the first reader whose predicate accepts it. A URL that does not parse is an
 * `InputError`; one that no reader accepts is a `NotAllowedError` that says how to allow it.
 *
 * @public
 */
export class UrlReaderPredicateMux implements UrlReaderService {
  readonly #readers: UrlReaderPredicateTuple[];

  private constructor(readers: UrlReaderPredicateTuple[]) {
    this.#readers = readers;
  }

  static create(readers: UrlReaderPredicateTuple[]): UrlReaderPredicateMux {
    return new UrlReaderPredicateMux(readers);
  }

  async readUrl(url: string, options?: UrlReaderServiceReadUrlOptions): Promise<UrlReaderServiceReadUrlResponse> {
    return this.#pick(url).readUrl(url, options);
  }

  async readTree(url: string, options?: UrlReaderServiceReadTreeOptions): Promise<UrlReaderServiceReadTreeResponse> {
    return this.#pick(url).readTree(url, options);
  }

  async search(url: string, options?: UrlReaderServiceSearchOptions): Promise<UrlReaderServiceSearchResponse> {
    return this.#pick(url).search(url, options);
  }

  #pick(url: string): UrlReaderService {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`'${String(url).slice(0, 200)}' is not a valid URL`);
    }
    const match = this.#readers.find((tuple) => tuple.predicate(parsed));
    if (!match) {
      throw new NotAllowedError(
        `Reading from '${displayUrl(parsed)}' is not allowed: configure an integration for host '${parsed.host}' or add it to backend.reading.allow`,
      );
    }
    return match.reader;
  }
}
