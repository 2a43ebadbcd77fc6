import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../..');

describe('scripts/nameHelper.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-names-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every name keepNames keeps while defining none for functions the language names itself', () => {
    // Two modules define `handle` and `Failure`, so bundling renames one of each: those names
    // must still be set by the helper, the others come from the language alone.
    fs.writeFileSync(
      path.join(dir, 'a.js'),
      ['class Failure extends Error {}', 'const handle = () => 1;', 'exports.a = { Failure, handle };'].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'b.js'),
      ['class Failure extends Error {}', 'const handle = () => 2;', 'exports.b = { Failure, handle };'].join('\n'),
    );
    fs.writeFileSync(
      path.join(dir, 'entry.js'),
      [
        "const { a } = require('./a');",
        "const { b } = require('./b');",
        'function perRequest() {',
        '  const step = (x) => x;',
        '  let restore = function () {};',
        '  const handlers = { onDone: () => 0, "on-fail": () => 0 };',
        '  return [step, restore, handlers.onDone, handlers["on-fail"]];',
        '}',
        'const names = (fns) => fns.map((f) => f.name);',
        'const before = globalThis.defined;',
        'const made = perRequest();',
        'console.log(JSON.stringify({',
        '  perRequest: names(made),',
        '  definedPerCall: globalThis.defined - before,',
        '  renamed: names([a.Failure, b.Failure, a.handle, b.handle]),',
        '}));',
      ].join('\n'),
    );
    const script = `
      import esbuild from ${JSON.stringify(pathToFileURL(require.resolve('esbuild', { paths: [root] })).href)};
      import fs from 'node:fs';
      import { withCheapNameHelper, withInferredNames } from ${JSON.stringify(pathToFileURL(path.join(root, 'scripts/nameHelper.mjs')).href)};
      await esbuild.build({
        entryPoints: ['entry.js'], bundle: true, platform: 'node', outfile: 'out.js', format: 'cjs',
        minifySyntax: true, minifyWhitespace: true, keepNames: true, logLevel: 'error',
      });
      // Count the names the helper defines, to see which calls remain.
      const code = withCheapNameHelper(fs.readFileSync('out.js', 'utf8'))
        .replace('var __name=(t,v)=>', 'globalThis.defined=0;var __name=(t,v)=>(globalThis.defined++,0)||');
      const result = withInferredNames(code);
      if (result.code.length !== code.length) throw new Error('length changed');
      fs.writeFileSync('out.js', result.code);
      process.stdout.write(String(result.removed));
    `;
    const built = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(Number(built.stdout)).toBeGreaterThanOrEqual(4);
    const run = spawnSync(process.execPath, ['out.js'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      perRequest: ['step', 'restore', 'onDone', 'on-fail'],
      definedPerCall: 0,
      renamed: ['Failure', 'Failure', 'handle', 'handle'],
    });
  });
});
