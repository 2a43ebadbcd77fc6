import express from 'express';
import knexFactory, { Knex } from 'knex';

// The database ceiling: bare Express 5 and knex serving the todo plugin's list query (the same
// table from the plugin's own migration, the same 20 rows, the same ORDER BY and LIMIT, the same
// JSON shape) from a SQLite file (SQLITE_FILE) or a PostgreSQL database (POSTGRES_DB) with a pool
// of 10, as the production config gives Trellis.
interface TodoRow {
  id: string;
  title: string;
  description: string | null;
  status: string;
  entity_ref: string | null;
  created_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

function connect(): Knex {
  if (process.env.SQLITE_FILE) {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: process.env.SQLITE_FILE },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
  }
  return knexFactory({
    client: 'pg',
    connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: process.env.POSTGRES_DB },
    pool: { min: 0, max: 10 },
  });
}

async function seed(db: Knex): Promise<void> {
  await db.migrate.latest({ directory: process.env.TODO_MIGRATIONS, tableName: 'bench_migrations' });
  for (let i = 0; i < 20; i++) {
    const now = new Date().toISOString();
    await db('todos').insert({
      id: crypto.randomUUID(),
      title: `todo ${i}`,
      description: null,
      status: 'open',
      entity_ref: null,
      created_by: 'user:default/bench',
      version: 1,
      created_at: now,
      updated_at: now,
    });
  }
}

function toTodo(row: TodoRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    entityRef: row.entity_ref,
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function main(): Promise<void> {
  const db = connect();
  await seed(db);
  const app = express();
  app.get('/api/todo/todos', async (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 20), 100);
    const rows = await db<TodoRow>('todos')
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(limit + 1);
    res.json({ items: rows.slice(0, limit).map(toTodo) });
  });
  app.get('/.trellis/health/v1/readiness', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.listen(Number(process.env.PORT), '127.0.0.1');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
