import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import {
  databaseServiceOf,
  postgresAvailable,
  postgresSchemaClient,
  sqliteClient,
} from '../../../testing/testDatabases';
import { DatabaseKeyStore, KEYS_TABLE } from './DatabaseKeyStore';
import { PluginKeyRegistry } from './PluginKeyRegistry';
import { RotatingKeySource } from './RotatingKeySource';
import { PluginTokenHandler } from '../PluginTokenHandler';
import { decodeProtectedHeader } from 'jose';

const silent = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silent;
  },
};

/** Two instances of plugins 'alpha' and 'beta', each instance with its own keys, sharing one database per plugin. */
function instance(clients: { alpha: Knex; beta: Knex }, keyDurationMs = 3_600_000) {
  const registry = PluginKeyRegistry.create({ logger: silent });
  const handlers = Object.fromEntries(
    (['alpha', 'beta'] as const).map((pluginId) => {
      const keys = RotatingKeySource.create({
        store: DatabaseKeyStore.create({ database: databaseServiceOf(clients[pluginId]) }),
        logger: silent,
        keyDurationMs,
        tokenLifetimeMs: 60_000,
      });
      registry.register(pluginId, keys);
      return [pluginId, PluginTokenHandler.create({ pluginId, keys, registry, tokenLifetimeMs: 60_000 })];
    }),
  ) as Record<'alpha' | 'beta', PluginTokenHandler>;
  return handlers;
}

async function exchange(
  from: Record<'alpha' | 'beta', PluginTokenHandler>,
  to: Record<'alpha' | 'beta', PluginTokenHandler>,
) {
  const token = await from.alpha.issue({ targetPluginId: 'beta' });
  return to.beta.verify(token, decodeProtectedHeader(token));
}

function describeStore(
  engine: string,
  open: () => Promise<{ alpha: Knex; beta: Knex; close(): Promise<void> } | undefined>,
) {
  describe(`DatabaseKeyStore on ${engine}`, () => {
    it('lets two instances verify each other, with keys rotating on both', async () => {
      const clients = await open();
      if (!clients) {
        return;
      }
      try {
        const first = instance(clients, 200);
        const second = instance(clients, 200);
        // Exchange both ways until both instances have rotated their keys (two each, rotating
        // every 200 ms); every exchange on the way must verify. The deadline only bounds a hang.
        const deadline = Date.now() + 30_000;
        let kids: string[] = [];
        do {
          await expect(exchange(first, second)).resolves.toEqual(expect.objectContaining({ pluginId: 'alpha' }));
          await expect(exchange(second, first)).resolves.toEqual(expect.objectContaining({ pluginId: 'alpha' }));
          kids = await clients.alpha(KEYS_TABLE).pluck('kid');
        } while (kids.length < 4 && Date.now() < deadline);
        expect(kids.length).toBeGreaterThanOrEqual(4);
      } finally {
        await clients.close();
      }
    });

    it('creates its table once even when instances start together, and drops expired keys', async () => {
      const clients = await open();
      if (!clients) {
        return;
      }
      try {
        const stores = Array.from({ length: 4 }, () =>
          DatabaseKeyStore.create({ database: databaseServiceOf(clients.alpha) }),
        );
        const key = (kid: string, expiresAt: Date) => ({ key: { kty: 'EC', kid, alg: 'ES256' }, expiresAt });
        await Promise.all(stores.map((store, i) => store.addKey(key(`k${i}`, new Date(Date.now() + 60_000)))));
        await stores[0].addKey(key('old', new Date(Date.now() - 1000)));
        expect((await stores[1].listKeys()).map((k) => k.key.kid).sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
        await stores[2].removeExpiredKeys(new Date());
        expect(await clients.alpha(KEYS_TABLE).where({ kid: 'old' }).first()).toBeUndefined();
      } finally {
        await clients.close();
      }
    });

    it('does not create the table when migrations are skipped, and says what to do', async () => {
      const clients = await open();
      if (!clients) {
        return;
      }
      try {
        const store = DatabaseKeyStore.create({ database: databaseServiceOf(clients.alpha, { skipMigrations: true }) });
        await expect(store.listKeys()).rejects.toThrow(/migrations are skipped.*docs\/security\.md/);
        expect(await clients.alpha.schema.hasTable(KEYS_TABLE)).toBe(false);
      } finally {
        await clients.close();
      }
    });
  });
}

describeStore('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'trellis-keys-db-'));
  const alpha = sqliteClient(join(dir, 'alpha.sqlite'));
  const beta = sqliteClient(join(dir, 'beta.sqlite'));
  return {
    alpha,
    beta,
    close: async () => {
      await alpha.destroy();
      await beta.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeStore('PostgreSQL', async () => {
  if (!(await postgresAvailable())) {
    return undefined;
  }
  const suffix = randomUUID().slice(0, 8);
  const alpha = await postgresSchemaClient(`keys_alpha_${suffix}`);
  const beta = await postgresSchemaClient(`keys_beta_${suffix}`);
  return {
    alpha: alpha.client,
    beta: beta.client,
    close: async () => {
      await alpha.drop();
      await beta.drop();
    },
  };
});
