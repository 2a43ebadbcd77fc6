// An esbuild plugin that changes, at build time, a few lines of dependencies whose load costs the
// artifact's start for nothing it uses. Each patch says why. A patch whose text is not found
// fails the build: the package changed, and the patch must be checked against the new code
// (kept, rewritten or dropped), not silently skipped.
import fs from 'node:fs';

const PATCHES = [
  {
    // pg asks at load whether it runs in a Cloudflare Worker. Node 20 has no `navigator`, so pg
    // reads the global `Response` instead. That getter loads Node's bundled undici (fetch) and
    // constructs a Response: 15 to 20 ms of every start of a backend on PostgreSQL, for a module
    // nothing else loads at start (Node 21 and later have `navigator` and never get there). The
    // bundles run on Node only, so the answer is known when bundling.
    file: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/,
    edits: [
      {
        find: 'function getStreamFuncs() {\n  if (isCloudflareRuntime()) {',
        replace: 'function getStreamFuncs() {\n  if (false) {',
      },
    ],
  },
  {
    // knex loads lodash/template and its helpers (10 to 17 ms of a start) for the two commands
    // that write new files from templates, `migrate:make` and `seed:make`: its Seeder module,
    // which knex loads with itself, requires the template helper at load, and its Migrator makes
    // a MigrationGenerator whenever a migrator is created. Both now load them when a file is
    // made, the only place that uses them.
    file: /[\\/]node_modules[\\/]knex[\\/]lib[\\/]migrations[\\/]seed[\\/]Seeder\.js$/,
    edits: [
      {
        find: "const { writeJsFileUsingTemplate } = require('../util/template');\n",
        replace: '',
      },
      {
        find: '    await writeJsFileUsingTemplate(\n      seedPath,',
        replace:
          "    const { writeJsFileUsingTemplate } = require('../util/template');\n" +
          '    await writeJsFileUsingTemplate(\n      seedPath,',
      },
    ],
  },
  {
    file: /[\\/]node_modules[\\/]knex[\\/]lib[\\/]migrations[\\/]migrate[\\/]Migrator\.js$/,
    edits: [
      {
        find: "const MigrationGenerator = require('./MigrationGenerator');\n",
        replace: '',
      },
      {
        find: '    this.generator = new MigrationGenerator(\n      this.knex.client.config.migrations,\n      this.knex.client.logger\n    );\n',
        replace: '',
      },
      {
        find: 'return this.generator.make(name, config, this.knex.client.logger);',
        replace:
          "const MigrationGenerator = require('./MigrationGenerator');\n" +
          '    const generator = new MigrationGenerator(this.knex.client.config.migrations, this.knex.client.logger);\n' +
          '    return generator.make(name, config, this.knex.client.logger);',
      },
    ],
  },
];

/** @returns {import('esbuild').Plugin} */
export function bundlePatches() {
  return {
    name: 'bundle-patches',
    setup(build) {
      for (const patch of PATCHES) {
        build.onLoad({ filter: patch.file }, async (args) => {
          let source = await fs.promises.readFile(args.path, 'utf8');
          for (const { find, replace } of patch.edits) {
            const at = source.indexOf(find);
            if (at < 0 || source.indexOf(find, at + 1) >= 0) {
              return {
                errors: [
                  { text: `${args.path} changed: a patch of scripts/bundlePatches.mjs no longer applies; check it` },
                ],
              };
            }
            source = source.slice(0, at) + replace + source.slice(at + find.length);
          }
          return { contents: source, loader: 'js' };
        });
      }
    },
  };
}
