import { DatabaseService } from '@trellis/backend-plugin-api';
import type { Knex } from 'knex';
import { PluginKeyStore, PublicKeyRecord } from '../types';

/** The table, in the plugin's own database, that holds the plugin's public keys. */
export const KEYS_TABLE = 'trellis_auth_public_keys';

interface KeyRow {
  kid: string;
  key: string;
  expires_at: number | string;
}

/**
 * Public keys in the plugin's own database, so every instance of the plugin sees the keys of the
 * others. Private keys never leave the instance that made them. The table is created on first
 * use unless the operator runs migrations separately (`migrations.skip`).
 */
export class DatabaseKeyStore implements PluginKeyStore {
  readonly #database: DatabaseService;
  #ready?: Promise<Knex>;

  private constructor(database: DatabaseService) {
    this.#database = database;
  }

  static create(options: { database: DatabaseService }): DatabaseKeyStore {
    return new DatabaseKeyStore(options.database);
  }

  async addKey(record: PublicKeyRecord): Promise<void> {
    const db = await this.#client();
    await db<KeyRow>(KEYS_TABLE).insert({
      kid: record.key.kid,
      key: JSON.stringify(record.key),
      expires_at: record.expiresAt.getTime(),
    });
  }

  async listKeys(): Promise<PublicKeyRecord[]> {
    const db = await this.#client();
    const rows = await db<KeyRow>(KEYS_TABLE).where('expires_at', '>', Date.now()).select();
    return rows.map((row) => ({ key: JSON.parse(row.key), expiresAt: new Date(Number(row.expires_at)) }));
  }

  async removeExpiredKeys(now: Date): Promise<void> {
    const db = await this.#client();
    await db<KeyRow>(KEYS_TABLE).where('expires_at', '<=', now.getTime()).delete();
  }

  #client(): Promise<Knex> {
    this.#ready ??= this.#prepare().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async #prepare(): Promise<Knex> {
    const db = await this.#database.getClient();
    if (await db.schema.hasTable(KEYS_TABLE)) {
      return db;
    }
    if (this.#database.migrations?.skip) {
      throw new Error(
        `Table '${KEYS_TABLE}' is missing and migrations are skipped for this plugin; create it as docs/security.md shows`,
      );
    }
    try {
      await db.schema.createTable(KEYS_TABLE, (table) => {
        table.string('kid', 64).primary();
        table.text('key').notNullable();
        table.bigInteger('expires_at').notNullable().index();
      });
    } catch (error) {
      // Another instance may have created it at the same moment.
      if (!(await db.schema.hasTable(KEYS_TABLE))) {
        throw error;
      }
    }
    return db;
  }
}
