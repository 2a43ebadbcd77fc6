import { Entity, LocationSpec, parseEntityRef, stringifyEntityRef } from '@trellis/plugin-catalog-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ProcessedEntity, ProcessingFailure } from '../processing/EntityProcessor';
import { searchRows } from './searchRows';

interface EntityRow {
  entity_key: string;
  entity_ref: string;
  uid: string;
  provider: string;
  location_key: string;
  etag: string;
  entity: string;
  updated_at: string;
}

/** A processing error as the API lists it. */
export interface CatalogErrorEntry {
  provider: string;
  location: string;
  entityRef: string | null;
  message: string;
  createdAt: string;
}

/** What a mutation changed, for logs and metrics. */
export interface MutationSummary {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  failed: number;
}

const CHUNK = 200;

/** A location as stored: `file:/abs/path`. */
export function locationKey(location: LocationSpec): string {
  return `${location.type}:${location.target}`;
}

/**
 * The catalog's tables: entities with their search rows and relations, and the processing
 * errors of each provider. Writes of one provider happen in one transaction, so a reader never
 * sees half a refresh.
 */
export class CatalogStore {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static create(db: Knex): CatalogStore {
    return new CatalogStore(db);
  }

  /**
   * Stores a provider's processed entities. `full`: every entity of the provider not among them
   * is removed, except those of `unreadable` locations (their errors are recorded) and those whose
   * new version failed: a broken edit keeps the last good entity. `delta`: only the
   * given entities are written and `removeRefs` removed. An entity another provider already
   * holds is refused and recorded as an error.
   */
  async applyMutation(options: {
    provider: string;
    mode: 'full' | 'delta';
    entities: ProcessedEntity[];
    failures: ProcessingFailure[];
    unreadable?: { location: LocationSpec; message: string }[];
    removeRefs?: string[];
  }): Promise<MutationSummary> {
    const { provider, mode } = options;
    const summary: MutationSummary = {
      added: 0,
      updated: 0,
      removed: 0,
      unchanged: 0,
      failed: options.failures.length,
    };
    const now = new Date().toISOString();
    return this.#db.transaction(async (trx) => {
      await lockMutations(trx);
      const errors = [
        ...options.failures.map((f) => ({
          provider,
          location_key: locationKey(f.location),
          entity_ref: f.ref ?? null,
          message: f.message,
          created_at: now,
        })),
        ...(options.unreadable ?? []).map((u) => ({
          provider,
          location_key: locationKey(u.location),
          entity_ref: null,
          message: u.message,
          created_at: now,
        })),
      ];
      const incoming = new Map<string, ProcessedEntity>();
      for (const processed of options.entities) {
        const key = processed.ref.toLowerCase();
        const first = incoming.get(key);
        if (first) {
          errors.push(
            error(provider, processed, now, `${processed.ref} is already defined in ${first.location.target}`),
          );
          summary.failed++;
          continue;
        }
        incoming.set(key, processed);
      }
      const existing = new Map<string, Pick<EntityRow, 'entity_key' | 'uid' | 'provider' | 'etag' | 'location_key'>>();
      const keys = [...incoming.keys()];
      for (let i = 0; i < keys.length; i += CHUNK) {
        const rows = await trx<EntityRow>('catalog_entities')
          .select('entity_key', 'uid', 'provider', 'etag', 'location_key')
          .whereIn('entity_key', keys.slice(i, i + CHUNK));
        rows.forEach((row) => existing.set(row.entity_key, row));
      }

      const toRemove: string[] = [];
      if (mode === 'full') {
        const retainLocations = new Set((options.unreadable ?? []).map((u) => locationKey(u.location)));
        const retainRefs = new Set(options.failures.flatMap((f) => (f.ref ? [f.ref.toLowerCase()] : [])));
        const owned = await trx<EntityRow>('catalog_entities').select('entity_key', 'location_key').where({ provider });
        for (const row of owned) {
          if (
            !incoming.has(row.entity_key) &&
            !retainLocations.has(row.location_key) &&
            !retainRefs.has(row.entity_key)
          ) {
            toRemove.push(row.entity_key);
          }
        }
      } else {
        // A ref no entity can have (malformed, NUL) is not there to remove.
        for (const ref of options.removeRefs ?? []) {
          if (isEntityKey(ref.toLowerCase())) {
            toRemove.push(ref.toLowerCase());
          }
        }
      }

      const writes: ProcessedEntity[] = [];
      for (const [key, processed] of incoming) {
        const current = existing.get(key);
        if (current && current.provider !== provider) {
          errors.push(
            error(
              provider,
              processed,
              now,
              `${processed.ref} is already provided by '${current.provider}' from ${current.location_key}`,
            ),
          );
          summary.failed++;
          continue;
        }
        if (current && current.etag === etagOf(processed) && current.location_key === locationKey(processed.location)) {
          summary.unchanged++;
          continue;
        }
        writes.push(processed);
      }

      // Full mode picked its candidates from this provider's own rows; a delta names refs that
      // another provider may hold, which it may not remove.
      const removable =
        mode === 'full' || toRemove.length === 0 ? toRemove : await this.#ownedBy(trx, provider, toRemove);
      await this.#deleteEntities(trx, removable);
      summary.removed = removable.length;

      // Written in chunks, a few statements per 200 entities: a first read of thousands of
      // entities costs seconds less on a networked database than a round trip per row.
      const rows: EntityRow[] = [];
      const relationRows: object[] = [];
      const searchRowsToInsert: object[] = [];
      for (const processed of writes) {
        const key = processed.ref.toLowerCase();
        const current = existing.get(key);
        const uid = current?.uid ?? randomUUID();
        const etag = etagOf(processed);
        const entity: Entity = { ...processed.entity, metadata: { ...processed.entity.metadata, uid, etag } };
        rows.push({
          entity_key: key,
          entity_ref: processed.ref,
          uid,
          provider,
          location_key: locationKey(processed.location),
          etag,
          entity: JSON.stringify(entity),
          updated_at: now,
        });
        for (const r of processed.relations) {
          relationRows.push({
            originating_key: key,
            source_key: r.source.toLowerCase(),
            type: r.type,
            type_key: r.type.toLowerCase(),
            target_ref: r.target,
            target_key: r.target.toLowerCase(),
          });
        }
        for (const row of searchRows(entity)) {
          searchRowsToInsert.push({ entity_key: key, ...row });
        }
        if (current) {
          summary.updated++;
        } else {
          summary.added++;
        }
      }
      await this.#deleteEntities(
        trx,
        rows.filter((row) => existing.has(row.entity_key)).map((row) => row.entity_key),
      );
      await insertChunked(trx, 'catalog_entities', rows);
      await insertChunked(trx, 'catalog_relations', relationRows);
      await insertChunked(trx, 'catalog_search', searchRowsToInsert);

      if (mode === 'full') {
        await trx('catalog_errors').where({ provider }).delete();
      } else {
        const touched = [
          ...new Set([
            ...options.entities.map((e) => locationKey(e.location)),
            ...options.failures.map((f) => locationKey(f.location)),
          ]),
        ];
        for (let i = 0; i < touched.length; i += CHUNK) {
          await trx('catalog_errors')
            .where({ provider })
            .whereIn('location_key', touched.slice(i, i + CHUNK))
            .delete();
        }
      }
      await insertChunked(trx, 'catalog_errors', errors.map(storableError));
      return summary;
    });
  }

  /**
   * Removes the entity with this uid, its relations and search rows; false when there is none.
   * Its provider adds it again on its next full mutation if it still provides it.
   */
  async removeEntityByUid(uid: string): Promise<boolean> {
    return this.#db.transaction(async (trx) => {
      await lockMutations(trx);
      const row = await trx<EntityRow>('catalog_entities').select('entity_key').where({ uid }).first();
      if (!row) {
        return false;
      }
      await this.#deleteEntities(trx, [row.entity_key]);
      return true;
    });
  }

  /** The current processing errors, newest first. */
  async listErrors(limit: number): Promise<CatalogErrorEntry[]> {
    const rows = await this.#db('catalog_errors').orderBy('id', 'desc').limit(limit);
    return rows.map((row) => ({
      provider: row.provider,
      location: row.location_key,
      entityRef: row.entity_ref,
      message: row.message,
      createdAt: row.created_at,
    }));
  }

  async #ownedBy(trx: Knex.Transaction, provider: string, keys: string[]): Promise<string[]> {
    const owned: string[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await trx('catalog_entities')
        .select('entity_key')
        .where({ provider })
        .whereIn('entity_key', keys.slice(i, i + CHUNK));
      owned.push(...rows.map((r) => r.entity_key as string));
    }
    return owned;
  }

  async #deleteEntities(trx: Knex.Transaction, keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      await trx('catalog_entities').whereIn('entity_key', chunk).delete();
      await trx('catalog_relations').whereIn('originating_key', chunk).delete();
      await trx('catalog_search').whereIn('entity_key', chunk).delete();
    }
  }
}

/**
 * Mutations run one at a time, across instances: each reads what is stored before it writes, and
 * two interleaved ones would insert the same entity twice. PostgreSQL: a transaction-scoped
 * advisory lock; SQLite: the database allows one writer, and the pool one connection.
 */
async function lockMutations(trx: Knex.Transaction): Promise<void> {
  if (trx.client.config.client === 'pg') {
    await trx.raw("select pg_advisory_xact_lock(hashtext('trellis:catalog:mutations'))");
  }
}

function etagOf(processed: ProcessedEntity): string {
  return processed.hash.slice(0, 32);
}

function error(provider: string, processed: ProcessedEntity, now: string, message: string) {
  return {
    provider,
    location_key: locationKey(processed.location),
    entity_ref: processed.ref,
    message,
    created_at: now,
  };
}

/**
 * An error row every database accepts: messages quote what providers and processors hand over,
 * which may hold NUL characters; PostgreSQL refuses those in text, and the whole mutation with it.
 */
function storableError<T extends { location_key: string; entity_ref: string | null; message: string }>(row: T): T {
  const clean = (text: string) => text.replaceAll('\0', '\\0');
  return {
    ...row,
    location_key: clean(row.location_key),
    entity_ref: row.entity_ref !== null && isEntityKey(row.entity_ref.toLowerCase()) ? row.entity_ref : null,
    message: clean(row.message),
  };
}

function isEntityKey(key: string): boolean {
  try {
    return stringifyEntityRef(parseEntityRef(key)).toLowerCase() === key;
  } catch {
    return false;
  }
}

async function insertChunked(db: Knex | Knex.Transaction, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db(table).insert(rows.slice(i, i + CHUNK));
  }
}
