import { coreServices, createServiceFactory } from '@trellis/backend-plugin-api';
import type { Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthServiceFactory } from './authServiceFactory';
import { KEYS_TABLE } from './keys/DatabaseKeyStore';
import { readJson } from '../../testing/readJson';
import { startBackend, StartedBackend } from '../../testing/startBackend';
import { sqliteClient } from '../../testing/testDatabases';
import { createProbePlugin } from '../../testing/testPlugins';
import { PUBLISHED_KEYS_CACHE_MS } from './types';

const TOKEN = 'ops-token-0123456789-abcdefghijklmn';
const externalAccess = [{ type: 'static', options: { token: TOKEN, subject: 'ops' } }];

/** One SQLite file per plugin, counting the reads of the public keys table. */
function countingDatabaseFactory(directory: string, reads: { count: number }) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata, lifecycle: coreServices.lifecycle },
    factory({ pluginMetadata, lifecycle }) {
      let client: Knex | undefined;
      lifecycle.addShutdownHook(async () => client?.destroy());
      const open = () => {
        const created = sqliteClient(join(directory, `${pluginMetadata.getId()}.sqlite`));
        created.on('query', (query: { sql: string }) => {
          if (/^select/i.test(query.sql) && query.sql.includes(KEYS_TABLE)) {
            reads.count++;
          }
        });
        return created;
      };
      return {
        getClient: async () => (client ??= open()),
        migrate: () => Promise.reject(new Error('This test database service runs no migrations')),
      };
    },
  });
}

describe('published plugin keys', () => {
  let backend: StartedBackend;
  let directory: string;
  const reads = { count: 0 };
  const jwksUrl = () => `${backend.baseUrl}/api/alpha/.trellis/auth/v1/jwks.json`;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'trellis-jwks-'));
    backend = await startBackend({
      features: [createAuthServiceFactory(), countingDatabaseFactory(directory, reads), createProbePlugin('alpha')],
      config: { backend: { auth: { externalAccess } } },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('are read from the database at most once per cache period under a flood of requests without credentials', async () => {
    expect((await fetch(jwksUrl())).status).toBe(200);
    const before = reads.count;
    const started = Date.now();
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(jwksUrl())));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      await Promise.all(responses.map((r) => r.arrayBuffer()));
    }
    const periods = Math.ceil((Date.now() - started) / PUBLISHED_KEYS_CACHE_MS);
    expect(reads.count - before).toBeLessThanOrEqual(periods);
  });

  it('include a key this instance made at once, without waiting for the cache', async () => {
    await fetch(jwksUrl());
    const { token } = await readJson(
      await fetch(`${backend.baseUrl}/api/alpha/token/alpha`, { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
    const { keys } = await readJson(await fetch(jwksUrl()));
    expect(keys.map((k: { kid: string }) => k.kid)).toContain(kid);
  });
});
