import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../..');

// In the test bundles, knex's migration generator notes when its module is loaded.
const NOTE_GENERATOR_LOADED = `{
  name: 'note-generator-loaded',
  setup(build) {
    build.onLoad({ filter: /knex[\\\\/]lib[\\\\/]migrations[\\\\/]migrate[\\\\/]MigrationGenerator\\.js$/ }, async (args) => ({
      contents: 'globalThis.generatorLoaded = true;\\n' + (await import('node:fs')).readFileSync(args.path, 'utf8'),
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
      logLevel: 'silent', plugins: [bundlePatches(), ${NOTE_GENERATOR_LOADED}],
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

  it("loads knex's migration generator only when a migration is made, and still makes one", () => {
    fs.writeFileSync(
      path.join(dir, 'entry.js'),
      [
        "const knex = require('knex');",
        "const db = knex({ client: 'pg' });",
        'const migrator = db.migrate;',
        'console.log(JSON.stringify({ migrator: typeof migrator.latest, loaded: !!globalThis.generatorLoaded }));',
        // A bundle has no knex folder beside it: the stub (the template) is named by its path.
        `const stub = ${JSON.stringify(path.join(root, 'node_modules/knex/lib/migrations/migrate/stub/js.stub'))};`,
        "migrator.make('add_things', { directory: 'migrations', stub }).then((file) => {",
        '  console.log(JSON.stringify({ loaded: !!globalThis.generatorLoaded, file: require("path").basename(file) }));',
        '  return db.destroy();',
        '});',
      ].join('\n'),
    );
    const built = bundleWithPatches(dir, 'entry.js');
    expect(built.stderr).toBe('');
    const run = spawnSync(process.execPath, ['out.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const [created, made] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(created).toEqual({ migrator: 'function', loaded: false });
    expect(made).toEqual({ loaded: true, file: expect.stringMatching(/^\d{14}_add_things\.js$/) });
    expect(fs.readdirSync(path.join(dir, 'migrations'))).toEqual([made.file]);
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
