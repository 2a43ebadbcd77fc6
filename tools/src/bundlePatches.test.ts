import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../..');

// In the test bundles, lodash/template (what knex writes new files with) notes when it is loaded.
const NOTE_TEMPLATES_LOADED = `{
  name: 'note-templates-loaded',
  setup(build) {
    build.onLoad({ filter: /lodash[\\\\/]template\\.js$/ }, async (args) => ({
      contents: 'globalThis.templatesLoaded = true;\\n' + (await import('node:fs')).readFileSync(args.path, 'utf8'),
      loader: 'js',
    }));
  },
}`;

/** Bundles `entry` (in `dir`) with the patches, as scripts/build-app.mjs does; the run's output. */
function bundleWithPatches(dir: string, entry: string) {
  const script = `
    import esbuild from ${JSON.stringify(pathToFileURL(require.resolve('esbuild', { paths: [root] })).href)};
    import { bundlePatches } from ${JSON.stringify(pathToFileURL(path.join(root, 'scripts/bundlePatches.mjs')).href)};
    await esbuild.build({
      entryPoints: [${JSON.stringify(entry)}], bundle: true, platform: 'node', outfile: 'out.js',
      nodePaths: [${JSON.stringify(path.join(root, 'node_modules'))}],
      external: ['pg-native', 'pg-cloudflare', 'better-sqlite3', 'sqlite3', 'mysql', 'mysql2', 'oracledb', 'tedious', 'pg-query-stream', 'mariadb', 'mariadb/*', 'cpu-features'],
      logLevel: 'silent', plugins: [bundlePatches(), ${NOTE_TEMPLATES_LOADED}],
    }).catch((error) => { console.error(error.errors.map((e) => e.text).join('\\n')); process.exit(1); });
  `;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
}

describe('scripts/bundlePatches.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-patches-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the bundled pg from loading Node's fetch (undici) when it loads", () => {
    // What a backend on PostgreSQL does at start; undici is what pg's runtime check loaded on Node 20.
    fs.writeFileSync(
      path.join(dir, 'entry.js'),
      "const pg = require('pg');\n" +
        'new pg.Client({});\n' +
        "console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));\n",
    );
    const built = bundleWithPatches(dir, 'entry.js');
    expect(built.stderr).toBe('');
    const run = spawnSync(process.execPath, ['out.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it("loads knex's file templates only when a migration or seed file is made, and still makes them", () => {
    // A bundle has no knex folder beside it: the stubs (the templates) are named by their paths.
    const stub = (kind: string) => path.join(root, `node_modules/knex/lib/migrations/${kind}/stub/js.stub`);
    fs.writeFileSync(
      path.join(dir, 'entry.js'),
      [
        "const knex = require('knex');",
        "const db = knex({ client: 'pg' });",
        'const migrator = db.migrate;',
        'const seeder = db.seed;',
        'const report = (made) => ({ loaded: !!globalThis.templatesLoaded, made: made && require("path").basename(made) });',
        'console.log(JSON.stringify({ migrator: typeof migrator.latest, seeder: typeof seeder.run, ...report() }));',
        `migrator.make('add_things', { directory: 'migrations', stub: ${JSON.stringify(stub('migrate'))} })`,
        '  .then((made) => console.log(JSON.stringify(report(made))))',
        `  .then(() => seeder.make('things', { directory: 'seeds', stub: ${JSON.stringify(stub('seed'))} }))`,
        '  .then((made) => console.log(JSON.stringify(report(made))))',
        '  .then(() => db.destroy());',
      ].join('\n'),
    );
    const built = bundleWithPatches(dir, 'entry.js');
    expect(built.stderr).toBe('');
    const run = spawnSync(process.execPath, ['out.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [created, migration, seed] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(created).toEqual({ migrator: 'function', seeder: 'function', loaded: false });
    expect(migration).toEqual({ loaded: true, made: expect.stringMatching(/^\d{14}_add_things\.js$/) });
    expect(seed).toEqual({ loaded: true, made: 'things.js' });
    expect(fs.readdirSync(path.join(dir, 'migrations'))).toEqual([migration.made]);
    expect(fs.readdirSync(path.join(dir, 'seeds'))).toEqual(['things.js']);
  });

  it('fails the build when the patched code changed, naming the file', () => {
    const stream = path.join(dir, 'node_modules/pg/lib/stream.js');
    fs.mkdirSync(path.dirname(stream), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'node_modules/pg/package.json'),
      JSON.stringify({ name: 'pg', main: 'lib/stream.js' }),
    );
    fs.writeFileSync(stream, 'module.exports = { getStream: () => null };\n');
    fs.writeFileSync(path.join(dir, 'entry.js'), "require('pg');\n");
    const built = bundleWithPatches(dir, 'entry.js');
    expect(built.status).toBe(1);
    expect(built.stderr).toContain('pg/lib/stream.js changed: a patch of scripts/bundlePatches.mjs no longer applies');
  });
});
