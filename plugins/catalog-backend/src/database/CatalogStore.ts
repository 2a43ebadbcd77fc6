import { Entity } from '@trellis/plugin-catalog-node';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { withRelations } from './EntityQueries';
import {
  etagOf,
  isEntityKey,
  MutationPlan,
  MutationSummary,
  PlannedError,
  PlannedMutationInput,
  PlannedMutationState,
  planMutation,
  StoredEntityHead,
} from './planMutation';
import { searchRows } from './searchRows';

interface EntityRow {
  entity_key: string;
  entity_ref: string;
  uid: string;
  provider: string;
  location_key: string;
  origin_key: string | null;
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

const CHUNK = 200;

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
   * Stores a provider's processed mutation in one transaction, as {@link planMutation} plans it,
   * and replaces the provider's errors: all of them (full, in its scope) or those of the
   * locations the mutation touched (delta). Errors of locations retained without a message stay.
   */
  async applyMutation(input: PlannedMutationInput): Promise<MutationSummary> {
    const now = new Date().toISOString();
    return this.#db.transaction(async (trx) => {
      await lockMutations(trx);
      const existing = await this.#heads(
        trx,
        input.entities.map((e) => e.ref.toLowerCase()),
      );
      const owned = await this.#owned(trx, input);
      const plan = planMutation(input, { existing, owned });
      await this.#deleteEntities(trx, plan.removals);
      await this.#writeEntities(trx, input, plan.writes, now);
      await this.#replaceErrors(trx, input, plan.errors, now);
      return plan.summary;
    });
  }

  async #heads(trx: Knex.Transaction, keys: string[]): Promise<Map<string, StoredEntityHead>> {
    const existing = new Map<string, StoredEntityHead>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await trx<EntityRow>('catalog_entities')
        .select('entity_key', 'uid', 'provider', 'etag', 'location_key', 'origin_key')
        .whereIn('entity_key', keys.slice(i, i + CHUNK));
      rows.forEach((row) => existing.set(row.entity_key, row));
    }
    return existing;
  }

  async #owned(trx: Knex.Transaction, input: PlannedMutationInput): Promise<PlannedMutationState['owned']> {
    if (input.mode === 'full') {
      const query = trx<EntityRow>('catalog_entities')
        .select('entity_key', 'location_key')
        .where({ provider: input.provider });
      return input.scope === undefined ? query.whereNull('origin_key') : query.where({ origin_key: input.scope });
    }
    const keys = (input.removeRefs ?? []).map((ref) => ref.toLowerCase());
    const owned: Pick<StoredEntityHead, 'entity_key' | 'location_key'>[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      owned.push(
        ...(await trx<EntityRow>('catalog_entities')
          .select('entity_key', 'location_key')
          .where({ provider: input.provider })
          .whereIn('entity_key', keys.slice(i, i + CHUNK))),
      );
    }
    return owned;
  }

  // Written in chunks, a few statements per 200 entities: a first read of thousands of entities
  // costs seconds less on a networked database than a round trip per row.
  async #writeEntities(
    trx: Knex.Transaction,
    input: PlannedMutationInput,
    writes: MutationPlan['writes'],
    now: string,
  ): Promise<void> {
    const rows: EntityRow[] = [];
    const relationRows: object[] = [];
    const searchRowsToInsert: object[] = [];
    for (const { processed, current } of writes) {
      const key = processed.ref.toLowerCase();
      const uid = current?.uid ?? randomUUID();
      const etag = etagOf(processed);
      const entity: Entity = { ...processed.entity, metadata: { ...processed.entity.metadata, uid, etag } };
      rows.push({
        entity_key: key,
        entity_ref: processed.ref,
        uid,
        provider: input.provider,
        location_key: processed.locationKey,
        origin_key: input.scope ?? null,
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
    }
    await this.#deleteEntities(
      trx,
      writes.flatMap((w) => (w.current ? [w.current.entity_key] : [])),
    );
    await insertChunked(trx, 'catalog_entities', rows);
    await insertChunked(trx, 'catalog_relations', relationRows);
    await insertChunked(trx, 'catalog_search', searchRowsToInsert);
  }

  async #replaceErrors(
    trx: Knex.Transaction,
    input: PlannedMutationInput,
    errors: PlannedError[],
    now: string,
  ): Promise<void> {
    const mine = () => {
      const query = trx('catalog_errors').where({ provider: input.provider });
      return input.scope === undefined ? query.whereNull('origin_key') : query.where({ origin_key: input.scope });
    };
    if (input.mode === 'full') {
      const kept = (input.retain ?? []).filter((r) => r.message === undefined).map((r) => r.locationKey);
      await (kept.length > 0 ? mine().whereNotIn('location_key', kept) : mine()).delete();
    } else {
      const touched = [
        ...new Set([...input.entities.map((e) => e.locationKey), ...input.failures.map((f) => f.locationKey)]),
      ];
      for (let i = 0; i < touched.length; i += CHUNK) {
        await mine()
          .whereIn('location_key', touched.slice(i, i + CHUNK))
          .delete();
      }
    }
    const rows = errors.map((e) => ({
      provider: input.provider,
      origin_key: input.scope ?? null,
      created_at: now,
      ...e,
    }));
    await insertChunked(trx, 'catalog_errors', rows.map(storableError));
  }

  /** The stored entities of a provider's scope at one location key, as processed. */
  async entitiesAt(provider: string, scope: string, locationKey: string): Promise<Entity[]> {
    const rows = await this.#db<EntityRow>('catalog_entities')
      .select('entity')
      .where({ provider, origin_key: scope, location_key: locationKey });
    return rows.map((row) => JSON.parse(row.entity) as Entity);
  }

  /** The `Location` entities a provider applied itself (outside any scope), as stored. */
  async locationEntitiesOf(provider: string): Promise<Entity[]> {
    const rows = await this.#db<EntityRow>('catalog_entities')
      .select('entity')
      .where({ provider })
      .whereNull('origin_key')
      .where('entity_key', 'like', 'location:%')
      .orderBy('entity_key');
    return rows.map((row) => JSON.parse(row.entity) as Entity);
  }

  /** The scopes (locations) a provider's entities and errors were reached from. */
  async scopesOf(provider: string): Promise<string[]> {
    const [entities, errors] = await Promise.all([
      this.#db('catalog_entities').distinct('origin_key').where({ provider }).whereNotNull('origin_key'),
      this.#db('catalog_errors').distinct('origin_key').where({ provider }).whereNotNull('origin_key'),
    ]);
    return [...new Set([...entities, ...errors].map((row) => row.origin_key as string))];
  }

  /** Whether a provider's scope holds entities read from any of these location keys. */
  async hasLocationKeys(provider: string, scope: string, keys: string[]): Promise<boolean> {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const row = await this.#db('catalog_entities')
        .select('entity_key')
        .where({ provider, origin_key: scope })
        .whereIn('location_key', keys.slice(i, i + CHUNK))
        .first();
      if (row) {
        return true;
      }
    }
    return false;
  }

  /** The entities of a provider's scope, with their relations, ordered by ref. */
  async entitiesOf(provider: string, scope: string): Promise<Entity[]> {
    const rows = await this.#db<EntityRow>('catalog_entities')
      .select('entity_key', 'entity')
      .where({ provider, origin_key: scope })
      .orderBy('entity_key');
    return withRelations(this.#db, rows);
  }

  /** The origin (a location ref) of an entity, if it was read from a location. */
  async originOf(entityKey: string): Promise<string | undefined> {
    const row = await this.#db<EntityRow>('catalog_entities')
      .select('origin_key')
      .where({ entity_key: entityKey })
      .first();
    return row?.origin_key ?? undefined;
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

async function insertChunked(db: Knex | Knex.Transaction, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db(table).insert(rows.slice(i, i + CHUNK));
  }
}
