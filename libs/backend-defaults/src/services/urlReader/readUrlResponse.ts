import { UrlReaderServiceReadUrlOptions, UrlReaderServiceReadUrlResponse } from '@trellis/backend-plugin-api';
import { NotModifiedError } from '@trellis/errors';
import { Readable } from 'node:stream';
import { LimitedResponse } from './fetchLimited';
import { displayUrl } from './hostRules';

/** The `If-None-Match` and `If-Modified-Since` headers for a read's options. @public */
export function conditionalHeaders(options?: UrlReaderServiceReadUrlOptions): Record<string, string> {
  return {
    ...(options?.etag ? { 'If-None-Match': options.etag } : {}),
    ...(options?.lastModifiedAfter ? { 'If-Modified-Since': options.lastModifiedAfter.toUTCString() } : {}),
  };
}

/**
 * Reads the body within its size limit and answers a `readUrl` call. A host that ignored the
 * conditional headers still yields `NotModifiedError` when its own ETag or date says nothing
 * changed.
 *
 * @public
 */
export async function toReadUrlResponse(
  response: LimitedResponse,
  url: string,
  options?: UrlReaderServiceReadUrlOptions,
): Promise<UrlReaderServiceReadUrlResponse> {
  const etag = response.headers.get('etag') ?? undefined;
  const lastModifiedAt = parseDate(response.headers.get('last-modified'));
  if (options?.etag && etag === options.etag) {
    throw new NotModifiedError(`'${displayUrl(url)}' has not changed`);
  }
  if (options?.lastModifiedAfter && lastModifiedAt && lastModifiedAt <= options.lastModifiedAfter) {
    throw new NotModifiedError(`'${displayUrl(url)}' has not changed since ${options.lastModifiedAfter.toISOString()}`);
  }
  const content = await response.buffer();
  return {
    buffer: async () => content,
    stream: () => Readable.from([content]),
    etag,
    lastModifiedAt,
  };
}

function parseDate(value: string | null): Date | undefined {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
