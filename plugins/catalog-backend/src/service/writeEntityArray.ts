import { Entity } from '@trellis/plugin-catalog-node';
import { Response } from 'express';
import { once } from 'node:events';

/** Entity bodies read from the database per batch while an array is streamed. */
export const STREAM_BATCH = 200;

/**
 * Writes a JSON array of the entities of `keys`, reading them `STREAM_BATCH` at a time, so that
 * answering with a whole large catalog holds one batch in memory, not the catalog. An entity
 * removed between listing the keys and reading its batch is left out. The status and headers are
 * sent with the first batch; a failure after that cuts the connection, so a client sees a broken
 * body rather than a short array that looks complete.
 */
export async function writeEntityArray(options: {
  res: Response;
  keys: string[];
  load: (keys: string[]) => Promise<(Entity | undefined)[]>;
  project: (entity: Entity) => object;
}): Promise<void> {
  const { res, keys, load, project } = options;
  const batches = Math.max(1, Math.ceil(keys.length / STREAM_BATCH));
  let written = 0;
  for (let batch = 0; batch < batches; batch++) {
    let entities: (Entity | undefined)[];
    try {
      entities = await load(keys.slice(batch * STREAM_BATCH, (batch + 1) * STREAM_BATCH));
    } catch (error) {
      if (batch === 0) {
        throw error;
      }
      res.destroy(error as Error);
      return;
    }
    let chunk = batch === 0 ? '[' : '';
    for (const entity of entities) {
      if (entity) {
        chunk += `${written++ === 0 ? '' : ','}${JSON.stringify(project(entity))}`;
      }
    }
    if (batch === 0) {
      res.status(200).type('application/json');
    }
    if (!res.write(chunk) && !(await drained(res))) {
      return;
    }
  }
  res.end(']');
}

/** Waits until the client takes more; false when it went away instead. */
async function drained(res: Response): Promise<boolean> {
  const ac = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
  return !res.destroyed && res.writable;
}
