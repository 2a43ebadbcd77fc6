import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

// A bundle as build-app.mjs writes it: the CommonJS wrapper around the code, ASCII only. The
// greeting is made by a function that runs at load, so the code cache holds its bytecode.
const bundleSaying = (word: string) =>
  `(function (exports, require, module, __filename, __dirname) {"use strict";` +
  `function greet() { return ${JSON.stringify(word)}; }` +
  `console.log(greet() + " " + (module.filename === __filename));})`;

describe('scripts/code-cache-entry.cjs (the artifact entry point)', () => {
  let dir: string;
  const cacheFile = () => path.join(dir, 'app.js.cache');
  const run = () => spawnSync(process.execPath, ['index.js'], { cwd: dir, encoding: 'utf8' });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-code-cache-'));
    fs.copyFileSync(path.join(root, 'scripts/code-cache-entry.cjs'), path.join(dir, 'index.js'));
    fs.writeFileSync(path.join(dir, 'app.js'), bundleSaying('AAAA'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a cache on the first run and uses it, unchanged, on the next', () => {
    expect(run().stdout).toBe('AAAA true\n');
    const written = fs.readFileSync(cacheFile());
    expect(written.subarray(0, written.indexOf(10)).toString()).toMatch(
      new RegExp(`^trellis-v8-code-cache-2 [0-9a-f]{64} ${process.version} ${process.arch} \\d+ [\\d.]+$`),
    );
    expect(run().stdout).toBe('AAAA true\n');
    // A cache that was used is not written again.
    expect(fs.readFileSync(cacheFile()).equals(written)).toBe(true);
  });

  it('refuses the cache of an edited bundle of the same length, which V8 alone would take', () => {
    run();
    const stale = fs.readFileSync(cacheFile());
    fs.writeFileSync(path.join(dir, 'app.js'), bundleSaying('BBBB'));
    expect(run().stdout).toBe('BBBB true\n');
    expect(fs.readFileSync(cacheFile()).equals(stale)).toBe(false);
    expect(run().stdout).toBe('BBBB true\n');
  });

  it('keeps using the cache of a copied bundle whose modification time changed, and records the new one', () => {
    run();
    const cached = fs.readFileSync(cacheFile());
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'app.js'), later, later);
    expect(run().stdout).toBe('AAAA true\n');
    const rewritten = fs.readFileSync(cacheFile());
    const header = (file: Buffer) => file.subarray(0, file.indexOf(10)).toString().split(' ');
    // Same bundle hash, the new time recorded, so the next start need not hash the bundle.
    expect(header(rewritten)[1]).toBe(header(cached)[1]);
    expect(Number(header(rewritten)[5])).toBe(fs.statSync(path.join(dir, 'app.js')).mtimeMs);
  });

  it('runs without a cache when the cache file is damaged or of another Node', () => {
    run();
    const valid = fs.readFileSync(cacheFile());
    for (const damaged of [
      Buffer.from('garbage'),
      Buffer.from(valid.toString('latin1').replace(process.version, 'v0.0.1'), 'latin1'),
      valid.subarray(0, valid.indexOf(10) + 20),
    ]) {
      fs.writeFileSync(cacheFile(), damaged);
      expect(run().stdout).toBe('AAAA true\n');
    }
  });
});
