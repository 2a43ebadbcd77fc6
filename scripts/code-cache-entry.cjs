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
// only the length, so the cache file starts with a SHA-256 of the bundle, the Node version and
// the architecture, and a cache whose key differs is never handed to V8.
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const MAGIC = Buffer.from('trellis-v8-code-cache-1\n');
const KEY_BYTES = 32;
const bundlePath = path.join(__dirname, 'app.js');
const cachePath = `${bundlePath}.cache`;

const bundle = fs.readFileSync(bundlePath);
const key = crypto.createHash('sha256').update(bundle).update(`\0${process.version}\0${process.arch}`).digest();
const cachedData = readCache();
const script = new vm.Script(bundle.toString('utf8'), {
  filename: bundlePath,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const out = process.env.TRELLIS_CODE_CACHE_OUT;
if (out || !cachedData || script.cachedDataRejected) {
  // At exit, so the cache holds every function compiled while the backend started and served.
  process.once('exit', () => writeCache(out || cachePath));
}
runBundle();

function readCache() {
  let file;
  try {
    file = fs.readFileSync(cachePath);
  } catch {
    return undefined;
  }
  const header = MAGIC.length + KEY_BYTES;
  if (file.length <= header || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  return file.subarray(MAGIC.length, header).equals(key) ? file.subarray(header) : undefined;
}

function writeCache(target) {
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    // A read-only folder (a container's) is the common case: give up before the costly part.
    fs.accessSync(path.dirname(target), fs.constants.W_OK);
    fs.writeFileSync(temporary, Buffer.concat([MAGIC, key, script.createCachedData()]));
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
