'use strict';
// Entry point of an artifact of scripts/build-app.mjs (copied there as index.js): runs the bundle
// app.js, compiled from the V8 code cache app.js.cache when that cache was made from this very
// bundle by this very Node (Node 20 has no module.enableCompileCache()). The build wraps the
// bundle in the CommonJS function wrapper itself, so app.js is compiled exactly as it is on disk
// and its source map needs no offsets.
// Without a usable cache the bundle compiles as usual, and a fresh cache is written at exit if
// the folder can be written; every failure to read or write the cache is silent.
//
// V8 itself refuses a cache of another V8 version or other V8 flags, but of the source it checks
// only the length, so the cache's first line names the bundle it was made from: its SHA-256, and
// its size and modification time. A cache is used when the Node version and architecture match
// and either the bundle's size and modification time are those recorded (no hashing: the
// default of Python's .pyc files) or, when they are not (a copy that did not keep the time), its
// SHA-256 is. Hashing the 4 MB bundle was 19 ms of a profiled start (on a slow VM); an edited
// bundle has a new modification time, so it is hashed and its stale cache refused.
//
// The bundle is ASCII (esbuild escapes everything else, and build-app.mjs checks it), so it is
// read as Latin-1: a plain copy into a one-byte string (reading and decoding it as UTF-8 took
// 36 ms on that VM, as Latin-1 28 ms).
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const MAGIC = 'trellis-v8-code-cache-2';
const MAX_HEADER = 256;
const bundlePath = path.join(__dirname, 'app.js');
const cachePath = `${bundlePath}.cache`;

const source = fs.readFileSync(bundlePath, 'latin1');
const bundleStat = fs.statSync(bundlePath);
let bundleHash;
const cache = readCache();
const script = new vm.Script(source, {
  filename: bundlePath,
  cachedData: cache?.data,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const out = process.env.TRELLIS_CODE_CACHE_OUT;
if (out || !cache || cache.hashed || script.cachedDataRejected) {
  // At exit, so the cache holds every function compiled while the backend started and served.
  process.once('exit', () => writeCache(out || cachePath));
}
runBundle();

function hashOfBundle() {
  bundleHash ??= crypto.createHash('sha256').update(source, 'latin1').digest('hex');
  return bundleHash;
}

/** The cache's code and whether the bundle had to be hashed to accept it; undefined when unusable. */
function readCache() {
  let file;
  try {
    file = fs.readFileSync(cachePath);
  } catch {
    return undefined;
  }
  const end = file.subarray(0, MAX_HEADER).indexOf(10);
  if (end < 0) return undefined;
  const [magic, hash, version, arch, size, mtimeMs] = file.subarray(0, end).toString('latin1').split(' ');
  if (magic !== MAGIC || version !== process.version || arch !== process.arch) return undefined;
  const data = file.subarray(end + 1);
  if (Number(size) === bundleStat.size && Number(mtimeMs) === bundleStat.mtimeMs) return { data, hashed: false };
  return hash === hashOfBundle() ? { data, hashed: true } : undefined;
}

function writeCache(target) {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // A read-only folder (a container's) is the common case: give up before the costly part.
    fs.accessSync(path.dirname(target), fs.constants.W_OK);
    const header = [MAGIC, hashOfBundle(), process.version, process.arch, bundleStat.size, bundleStat.mtimeMs].join(
      ' ',
    );
    fs.writeFileSync(temporary, Buffer.concat([Buffer.from(`${header}\n`, 'latin1'), script.createCachedData()]));
    fs.renameSync(temporary, target);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

function runBundle() {
  if (process.sourceMapsEnabled) {
    // Node 20 reads source maps only of what its module loader compiles, keyed by file name:
    // compiling just the bundle's sourceMappingURL under the bundle's name registers app.js.map.
    new Module(bundlePath, module)._compile('//# sourceMappingURL=app.js.map\n', bundlePath);
  }
  const bundleModule = new Module(bundlePath, module);
  bundleModule.filename = bundlePath;
  bundleModule.paths = Module._nodeModulePaths(__dirname);
  const bundleRequire = Module.createRequire(bundlePath);
  const compiled = script.runInThisContext({ displayErrors: true });
  compiled.call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, bundlePath, __dirname);
  bundleModule.loaded = true;
}
