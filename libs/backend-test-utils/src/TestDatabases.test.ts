import { isDatabaseConflictError } from '@trellis/backend-plugin-api';
import { TestDatabases } from './TestDatabases';

describe('TestDatabases with Backstage database IDs', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_17', 'SQLITE_3'] });
  const withMysql = TestDatabases.create({ ids: ['MYSQL_8', 'SQLITE_3'] });

  it('runs every POSTGRES_<version> on the local PostgreSQL and SQLITE_3 in memory', async () => {
    const ids = databases.eachSupportedId();
    expect(ids).toContain('SQLITE_3');
    for (const id of ids) {
      const knex = await databases.init(id);
      const rows = await knex.raw(id === 'SQLITE_3' ? 'select sqlite_version() as v' : 'select version() as v');
      expect(JSON.stringify(rows)).toMatch(id === 'SQLITE_3' ? /\d+\.\d+/ : /PostgreSQL/);
    }
  });

  it.each(databases.eachSupportedId())('reports a unique violation on %s as a conflict', async (id) => {
    const knex = await databases.init(id);
    await knex.schema.createTable('items', (t) => {
      t.string('name').primary();
      t.string('label').notNullable();
    });
    await knex('items').insert({ name: 'a', label: 'x' });
    const duplicate = await knex('items')
      .insert({ name: 'a', label: 'y' })
      .catch((e: unknown) => e);
    expect(isDatabaseConflictError(duplicate)).toBe(true);
    const notNull = await knex('items')
      .insert({ name: 'b', label: null })
      .catch((e: unknown) => e);
    expect(String((notNull as Error).message)).toMatch(/NOT NULL|null value/i);
    expect(isDatabaseConflictError(notNull)).toBe(false);
  });

  it('skips MYSQL_8 with a message, since Trellis does not support MySQL', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const ci = process.env.CI;
    delete process.env.CI;
    try {
      expect(withMysql.eachSupportedId()).toEqual(['SQLITE_3']);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/MYSQL_8.*does not support MySQL/));
    } finally {
      if (ci !== undefined) process.env.CI = ci;
      warn.mockRestore();
    }
  });
});
