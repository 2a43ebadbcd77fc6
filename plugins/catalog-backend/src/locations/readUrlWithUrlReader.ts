import { UrlReaderService } from '@trellis/backend-plugin-api';
import { NotModifiedError } from '@trellis/errors';
import { ReadUrl } from './LocationReader';
import { MAX_FILE_BYTES } from './readFileLocation';

/**
 * Reads a URL through the URL reader service, passing the etag of the last read: the reader
 * throws `NotModifiedError` when the host says the content is unchanged, which becomes
 * `{ notModified: true }`. Bodies over 5 MiB are refused. Every other error (a host outside
 * `backend.reading.allow`, a 404, a timeout) is thrown for the caller to record.
 */
export function readUrlWithUrlReader(urlReader: UrlReaderService): ReadUrl {
  return async (url, { etag, signal }) => {
    try {
      const response = await urlReader.readUrl(url, { etag, signal });
      const data = await response.buffer();
      if (data.length > MAX_FILE_BYTES) {
        throw new Error(`${data.length} bytes, more than the ${MAX_FILE_BYTES} an entity file may have`);
      }
      return { data, etag: response.etag };
    } catch (error) {
      if (error instanceof NotModifiedError) {
        return { notModified: true };
      }
      throw error;
    }
  };
}
