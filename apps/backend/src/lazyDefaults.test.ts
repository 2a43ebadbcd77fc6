import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnBackend } from '../test/spawnBackend';

/** Runs the fixture and returns the database packages it reports as loaded. */
async function loadedPackages(mode: 'default' | 'replaced'): Promise<string[]> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'trellis-lazy-'));
  const backend = spawnBackend('test/fixtures/loaded-drivers.ts', {
    cwd,
    args: [mode],
    env: {
      APP_CONFIG_backend_listen_port: '0',
      APP_CONFIG_backend_database_connection: ':memory:',
    },
  });
  const code = await backend.exited;
  const line = /^LOADED (.*)$/m.exec(backend.output());
  if (code !== 0 || !line) {
    throw new Error(`The fixture exited with ${code}:\n${backend.output()}`);
  }
  return JSON.parse(line[1]);
}

describe('default services load their drivers only when used', () => {
  it('loads knex and the SQLite driver for the default database service', async () => {
    expect(await loadedPackages('default')).toEqual(['better-sqlite3', 'knex']);
  });

  it('loads nothing of knex or a driver when the database service is replaced', async () => {
    expect(await loadedPackages('replaced')).toEqual([]);
  });
});

describe('subpath entry points of @trellis/backend-defaults', () => {
  const manifest = JSON.parse(
    readFileSync(path.join(__dirname, '../../../libs/backend-defaults/package.json'), 'utf8'),
  );
  const subpaths = Object.keys(manifest.exports).filter((key) => key !== '.' && key !== './package.json');

  it('has one entry per default service', () => {
    expect(subpaths.length).toBeGreaterThanOrEqual(13);
  });

  it.each(subpaths)('%s exports its service factory', async (subpath) => {
    const entry = await import(`@trellis/backend-defaults/${subpath.slice(2)}`);
    expect(Object.keys(entry).some((name) => /ServiceFactory$/.test(name))).toBe(true);
  });
});
