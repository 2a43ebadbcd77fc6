import { coreServices, createBackendPlugin } from '@trellis/backend-plugin-api';
import { startTestBackend, TestDatabases } from '@trellis/backend-test-utils';
import knexFactory from 'knex';
import todoPlugin from '.';

const databases = TestDatabases.create();
const postgres = databases.eachSupportedId().includes('POSTGRES');

/** A second plugin that reports what its own database client can see. */
function spyPlugin(seen: { todos?: boolean }) {
  return createBackendPlugin({
    pluginId: 'spy',
    register(env) {
      env.registerInit({
        deps: { database: coreServices.database, lifecycle: coreServices.lifecycle },
        async init({ database, lifecycle }) {
          const db = await database.getClient();
          lifecycle.addStartupHook(async () => {
            seen.todos = await db.schema.hasTable('todos');
          });
        },
      });
    },
  });
}

describe.each(['schema', 'database'] as const)('todo tables in PostgreSQL division mode %s', (mode) => {
  // Without PostgreSQL, TestDatabases has said why these are skipped (and fails under CI=true).
  (postgres ? it : it.skip)(
    "live only in the todo plugin's own schema or database, invisible to another plugin",
    async () => {
      const config = await databases.backendConfig('POSTGRES', mode);
      const seen: { todos?: boolean } = {};
      const backend = await startTestBackend({
        features: [todoPlugin, spyPlugin(seen)],
        config: { backend: { database: config } },
      });
      await backend.stop();
      expect(seen.todos).toBe(false);
      const connection = config.connection as { database: string };
      const admin = knexFactory({
        client: 'pg',
        connection: {
          ...(config.connection as object),
          database: mode === 'schema' ? connection.database : 'postgres',
        },
      });
      try {
        if (mode === 'schema') {
          const { rows } = await admin.raw(
            "select table_schema from information_schema.tables where table_name = 'todos'",
          );
          expect(rows).toEqual([{ table_schema: 'todo' }]);
        } else {
          const { rows } = await admin.raw('select datname from pg_database where datname like ? order by datname', [
            `${connection.database}_%`,
          ]);
          expect(rows.map((r: { datname: string }) => r.datname)).toEqual([
            `${connection.database}_spy`,
            `${connection.database}_todo`,
          ]);
          const todoDb = knexFactory({
            client: 'pg',
            connection: { ...(config.connection as object), database: `${connection.database}_todo` },
          });
          expect(await todoDb.schema.hasTable('todos')).toBe(true);
          await todoDb.destroy();
        }
      } finally {
        await admin.destroy();
      }
    },
  );
});
