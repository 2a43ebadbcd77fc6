import { LocationSpec } from '@trellis/plugin-catalog-node';
import path from 'node:path';
import { ReadUrl } from './LocationReader';
import { MAX_FILE_BYTES, readCatalogFile, realPathOrSelf } from './readFileLocation';

/**
 * Reads what a `$text`, `$json` or `$yaml` placeholder names, the way the entity's own location
 * is read: a file inside the folder of the entity's file (links resolved, at most 5 MiB), or a
 * URL through the URL reader when the entity came from a URL. Anything else is refused.
 */
export async function readPlaceholderTarget(
  target: string,
  location: LocationSpec,
  readUrl: ReadUrl | undefined,
): Promise<Buffer> {
  if (location.type === 'file') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !path.isAbsolute(target)) {
      throw new Error(`an entity read from a file may only name files beside it, not '${target}'`);
    }
    const folder = path.dirname(location.target);
    return readCatalogFile(target, folder, realPathOrSelf(folder));
  }
  if (location.type === 'url') {
    if (!readUrl) {
      throw new Error('this backend has no URL reader');
    }
    const answer = await readUrl(target, {});
    if ('notModified' in answer) {
      throw new Error(`${target} answered "not modified" to a read without an etag`);
    }
    if (answer.data.length > MAX_FILE_BYTES) {
      throw new Error(`${target} is more than the ${MAX_FILE_BYTES} bytes a placeholder may read`);
    }
    return answer.data;
  }
  throw new Error(`placeholders are read only for entities of file and url locations, not '${location.type}'`);
}
