import { ConflictError } from '@trellis/errors';
import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';

/** A location as the API serves it (Backstage's `Location`). */
export interface StoredLocation {
  id: string;
  type: string;
  target: string;
}

/** Where a location came from: `catalog.locations` or `POST /locations`. */
export type LocationSource = 'config' | 'api';

interface LocationRow extends StoredLocation {
  source: LocationSource;
  created_at: string;
}

/**
 * The `catalog_locations` table, and the etags of what was last read from each location's URLs
 * (`catalog_location_reads`).
 */
export class LocationStore {
  readonly #db: Knex;

  private constructor(db: Knex) {
    this.#db = db;
  }

  static create(db: Knex): LocationStore {
    return new LocationStore(db);
  }

  /** Every location, configured and registered, oldest first. */
  async list(): Promise<(StoredLocation & { source: LocationSource })[]> {
    const rows = await this.#db<LocationRow>('catalog_locations')
      .select('id', 'type', 'target', 'source')
      .orderBy([{ column: 'created_at' }, { column: 'id' }]);
    return rows;
  }

  async get(id: string): Promise<(StoredLocation & { source: LocationSource }) | undefined> {
    return this.#db<LocationRow>('catalog_locations').select('id', 'type', 'target', 'source').where({ id }).first();
  }

  async findByRef(type: string, target: string): Promise<(StoredLocation & { source: LocationSource }) | undefined> {
    return this.#db<LocationRow>('catalog_locations')
      .select('id', 'type', 'target', 'source')
      .where({ type, target })
      .first();
  }

  /** Adds a registered location; one with the same type and target is a `ConflictError`. */
  async add(type: string, target: string): Promise<StoredLocation> {
    const row: LocationRow = { id: randomUUID(), type, target, source: 'api', created_at: new Date().toISOString() };
    const inserted = await this.#db('catalog_locations')
      .insert(row)
      .onConflict(['type', 'target'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) {
      throw new ConflictError(`Location ${type}:${target} already exists`);
    }
    return { id: row.id, type, target };
  }

  async remove(id: string): Promise<void> {
    await this.#db.transaction(async (trx) => {
      const row = await trx<LocationRow>('catalog_locations').where({ id }).first();
      await trx('catalog_locations').where({ id }).delete();
      if (row) {
        await trx('catalog_location_reads')
          .where({ origin_key: `${row.type}:${row.target}` })
          .delete();
      }
    });
  }

  /**
   * Makes the configured locations those of `catalog.locations`: adds the new ones, drops those
   * no longer configured (not the registered ones). Safe when several instances start at once.
   */
  async syncConfigured(locations: { type: string; target: string }[]): Promise<void> {
    const now = new Date().toISOString();
    for (const { type, target } of locations) {
      await this.#db('catalog_locations')
        .insert({ id: randomUUID(), type, target, source: 'config', created_at: now })
        .onConflict(['type', 'target'])
        .ignore();
    }
    const wanted = new Set(locations.map((l) => `${l.type}:${l.target}`));
    const stale = (await this.list()).filter((l) => l.source === 'config' && !wanted.has(`${l.type}:${l.target}`));
    for (const location of stale) {
      await this.remove(location.id);
    }
  }

  /** The etags of the URLs last read for a location, by location key. */
  async etags(originKey: string): Promise<Map<string, string>> {
    const rows = await this.#db('catalog_location_reads')
      .select('location_key', 'etag')
      .where({ origin_key: originKey });
    return new Map(rows.map((row) => [row.location_key as string, row.etag as string]));
  }

  /** Replaces the etags of a location with those of its latest read. */
  async setEtags(originKey: string, etags: ReadonlyMap<string, string>): Promise<void> {
    const now = new Date().toISOString();
    await this.#db.transaction(async (trx) => {
      await trx('catalog_location_reads').where({ origin_key: originKey }).delete();
      const rows = [...etags].map(([locationKey, etag]) => ({
        id: createHash('sha256').update(`${originKey}\n${locationKey}`).digest('hex'),
        origin_key: originKey,
        location_key: locationKey,
        etag: etag.slice(0, 1024),
        read_at: now,
      }));
      for (let i = 0; i < rows.length; i += 200) {
        await trx('catalog_location_reads').insert(rows.slice(i, i + 200));
      }
    });
  }
}
