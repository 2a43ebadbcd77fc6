import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../..');

/** Writes a package (package.json and an index.js) at `dir`. */
function writePackage(dir: string, json: object, index: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'index.js'), index);
}

describe('scripts/dedupePackages.mjs', () => {
  it('bundles one copy of a package version where the copies would run the same code', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-dedupe-'));
    try {
      const modules = path.join(dir, 'node_modules');
      const x = { name: 'x', version: '1.0.0', dependencies: { y: '*' } };
      const xIndex = "module.exports = 'x-' + require('y');\n";
      // a and b each have their own copy of x@1.0.0, and both copies load the root's y@1.
      for (const parent of ['a', 'b']) {
        writePackage(
          path.join(modules, parent),
          { name: parent, version: '1.0.0' },
          "module.exports = require('x');\n",
        );
        writePackage(path.join(modules, parent, 'node_modules/x'), x, xIndex);
      }
      writePackage(path.join(modules, 'y'), { name: 'y', version: '1.0.0' }, "module.exports = 'y1';\n");
      // c's copy of x@1.0.0 would load c's own y@2: not the same code, so it stays.
      writePackage(path.join(modules, 'c'), { name: 'c', version: '1.0.0' }, "module.exports = require('x');\n");
      writePackage(path.join(modules, 'c/node_modules/x'), x, xIndex);
      writePackage(path.join(modules, 'c/node_modules/y'), { name: 'y', version: '2.0.0' }, "module.exports = 'y2';\n");
      fs.writeFileSync(
        path.join(dir, 'entry.js'),
        "console.log([require('a'), require('b'), require('c')].join(' '));\n",
      );

      const script = `
        import esbuild from ${JSON.stringify(pathToFileURL(require.resolve('esbuild', { paths: [root] })).href)};
        import { dedupePackages } from ${JSON.stringify(pathToFileURL(path.join(root, 'scripts/dedupePackages.mjs')).href)};
        const result = await esbuild.build({
          entryPoints: ['entry.js'], bundle: true, platform: 'node', outfile: 'out.js',
          metafile: true, logLevel: 'error', plugins: [dedupePackages()],
        });
        console.log(JSON.stringify(Object.keys(result.metafile.inputs).sort()));
      `;
      const bundled = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(bundled.stderr).toBe('');
      expect(JSON.parse(bundled.stdout)).toEqual([
        'entry.js',
        'node_modules/a/index.js',
        'node_modules/a/node_modules/x/index.js',
        'node_modules/b/index.js',
        'node_modules/c/index.js',
        'node_modules/c/node_modules/x/index.js',
        'node_modules/c/node_modules/y/index.js',
        'node_modules/y/index.js',
      ]);
      const run = spawnSync(process.execPath, [path.join(dir, 'out.js')], { encoding: 'utf8' });
      expect(run.stdout.trim()).toBe('x-y1 x-y1 x-y2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
