import { mockCredentials, startTestBackend, TestDatabases } from '@trellis/backend-test-utils';
import knexFactory from 'knex';
import todoPlugin from '.';

const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');

(postgres ? it : it.skip)('answers 503 while PostgreSQL refuses connections and recovers when it is back', async () => {
  const database = await databases.createPostgresDatabase();
  const connection = { host: '127.0.0.1', port: 5432, user: 'postgres', database };
  const backend = await startTestBackend({
    features: [todoPlugin],
    config: {
      backend: { database: { client: 'pg', connection, pluginDivisionMode: 'schema', acquireTimeoutMs: 2000 } },
    },
  });
  const admin = knexFactory({
    client: 'pg',
    connection: { ...connection, database: 'postgres' },
    pool: { min: 0, max: 1 },
  });
  const list = () =>
    fetch(`${backend.baseUrl}/api/todo/todos`, { headers: { authorization: mockCredentials.user.header() } });
  try {
    expect((await list()).status).toBe(200);
    await admin.raw('alter database ?? allow_connections false', [database]);
    await admin.raw(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()',
      [database],
    );
    const down = await list();
    expect(down.status).toBe(503);
    const body = (await down.json()) as any;
    expect(body.error).toEqual({
      name: 'ServiceUnavailableError',
      message: 'The database did not answer in time or is not reachable right now; try again later',
    });
    await admin.raw('alter database ?? allow_connections true', [database]);
    let recovered = 0;
    for (let i = 0; i < 20 && recovered !== 200; i++) {
      recovered = (await list()).status;
    }
    expect(recovered).toBe(200);
  } finally {
    await admin.raw('alter database ?? allow_connections true', [database]);
    await admin.destroy();
    await backend.stop();
  }
});
