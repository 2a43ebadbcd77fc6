#!/usr/bin/env node
// Builds a production artifact of one app (apps/<name>): an esbuild bundle (app.js) with source
// maps, its entry point index.js (scripts/code-cache-entry.cjs) and a V8 code cache of the bundle
// made by one training start of the artifact, the native driver and the packages it needs copied
// next to it, the config files, and the migration folders of every plugin package. The result
// runs with plain `node index.js` and no dev dependencies.
//
// Usage: node scripts/build-app.mjs <app-dir> [--out <dir>]
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { dedupePackages } from './dedupePackages.mjs';
import { withCheapNameHelper, withInferredNames } from './nameHelper.mjs';
import { bundlePatches } from './bundlePatches.mjs';
import { trainCodeCache } from './trainCodeCache.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const appArg = args.find((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
// Paths on the command line are the caller's: `yarn build backend` runs this from apps/backend with `.`.
const appDir = appArg ? path.resolve(process.cwd(), appArg) : path.join(root, 'apps/backend');
const outDir =
  outIndex >= 0
    ? path.resolve(process.cwd(), args[outIndex + 1])
    : path.join(root, 'dist', path.relative(root, appDir));

// Native modules cannot be bundled; optional drivers that are not installed stay unresolved.
const NATIVE = ['better-sqlite3'];
// Install-time helpers of native packages that the running artifact never loads.
const INSTALL_ONLY = new Set(['prebuild-install', 'node-gyp', 'node-gyp-build']);
const OPTIONAL = [
  'pg-native',
  'mysql',
  'mysql2',
  'mariadb',
  'mariadb/*',
  'oracledb',
  'tedious',
  'sqlite3',
  'pg-query-stream',
  'cpu-features',
];

async function main() {
  const started = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(appDir, 'src/index.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    conditions: ['@trellis/source'],
    sourcemap: 'linked',
    sourcesContent: false,
    // Whitespace and comments out: a third less to read and scan at every start, and only ASCII
    // left (comments kept a few non-ASCII characters, which made V8 hold the source as UTF-16).
    minifySyntax: true,
    minifyWhitespace: true,
    // Non-ASCII characters escaped (esbuild's default, relied on by code-cache-entry.cjs).
    charset: 'ascii',
    // Class names survive bundling (errors are named after their class); see nameHelper.mjs.
    keepNames: true,
    // The CommonJS function wrapper, for index.js to compile app.js as it is (see code-cache-entry.cjs).
    // import.meta.url of ESM-only dependencies (fdir, under tinyglobby, makes a require from it)
    // becomes the bundle's own file URL, as it would be for an unbundled CommonJS file.
    banner: {
      js: '(function (exports, require, module, __filename, __dirname) {"use strict";var __importMetaUrl=require("url").pathToFileURL(__filename).href;',
    },
    define: { 'import.meta.url': '__importMetaUrl' },
    // Published Backstage plugins and modules run on our plugin API, catalog and events: their
    // imports of these resolve to ours, subpaths included (`@backstage/plugin-catalog-node/alpha`
    // becomes `@trellis/plugin-catalog-node/alpha`); the Jest moduleNameMapper of
    // docs/plugin-authors.md does the same in tests.
    alias: {
      depd: path.join(root, 'scripts/shims/depd.cjs'),
      '@backstage/backend-plugin-api': '@trellis/backend-plugin-api',
      '@backstage/plugin-catalog-node': '@trellis/plugin-catalog-node',
      '@backstage/plugin-events-node': '@trellis/plugin-events-node',
    },
    footer: { js: '})' },
    metafile: true,
    // One copy of each package version, however many the install nested (see dedupePackages.mjs);
    // dependency lines that cost the start for nothing changed (see bundlePatches.mjs).
    plugins: [dedupePackages(), bundlePatches()],
    external: [...NATIVE, ...OPTIONAL],
    logLevel: 'warning',
    logOverride: { 'require-resolve-not-external': 'silent', 'unsupported-dynamic-import': 'silent' },
  });
  const bundle = path.join(outDir, 'app.js');
  const code = withInferredNames(withCheapNameHelper(fs.readFileSync(bundle, 'utf8'))).code;
  // The entry point reads the bundle as Latin-1, which is right for ASCII only.
  const nonAscii = code.search(/[^\x00-\x7f]/);
  if (nonAscii >= 0) {
    throw new Error(
      `app.js has a non-ASCII character at offset ${nonAscii}: ${JSON.stringify(code.slice(nonAscii - 40, nonAscii + 40))}`,
    );
  }
  fs.writeFileSync(bundle, code);
  const bundled = bundledPackages(result.metafile);
  const copied = copyRuntimePackages(NATIVE);
  const shells = copyPluginAssets(bundled);
  copyConfig();
  writeHealthcheck();
  writePackageJson(copied);
  fs.copyFileSync(path.join(root, 'scripts/code-cache-entry.cjs'), path.join(outDir, 'index.js'));
  const codeCache = await trainCodeCache(outDir);
  report({ bundled, copied, shells, codeCache, ms: Date.now() - started });
}

/** Names of the npm packages whose code went into the bundle. */
function bundledPackages(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    // The innermost package: node_modules/accepts/node_modules/mime-db/db.json is mime-db.
    const match = [...input.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}

/** Copies external packages and their dependency closure from the workspace install. */
function copyRuntimePackages(names) {
  const copied = new Map();
  const visit = (name, fromDir) => {
    if (copied.has(name)) return;
    const req = createRequire(path.join(fromDir, 'package.json'));
    let pkgJson;
    try {
      pkgJson = req.resolve(`${name}/package.json`);
    } catch {
      return; // optional dependency that is not installed
    }
    const pkgDir = path.dirname(fs.realpathSync(pkgJson));
    const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
    copied.set(name, pkg.version);
    fs.cpSync(pkgDir, path.join(outDir, 'node_modules', name), {
      recursive: true,
      filter: (src) => keepRuntimeFile(path.relative(pkgDir, src).split(path.sep).join('/')),
    });
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!INSTALL_ONLY.has(dep)) visit(dep, pkgDir);
    }
  };
  for (const name of names) visit(name, root);
  return copied;
}

/** Of a native package, keep its code and compiled addon; leave sources and build leftovers out. */
function keepRuntimeFile(relative) {
  if (relative === '') return true;
  if (/^(deps|src|test|docs|\.github)(\/|$)/.test(relative)) return false;
  if (relative.startsWith('build')) {
    return /^build(\/Release(\/[^/]+\.node)?)?$/.test(relative) && !relative.includes('test_extension');
  }
  return true;
}

/** Plugin packages keep non-code assets (migrations/) that they resolve at run time by package name. */
function copyPluginAssets(bundled) {
  const shells = [];
  for (const group of ['plugins', 'libs']) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir)) {
      const pkgDir = path.join(dir, entry);
      const pkgFile = path.join(pkgDir, 'package.json');
      if (!fs.existsSync(pkgFile) || !fs.existsSync(path.join(pkgDir, 'migrations'))) continue;
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
      const target = path.join(outDir, 'node_modules', pkg.name);
      fs.mkdirSync(target, { recursive: true });
      fs.writeFileSync(
        path.join(target, 'package.json'),
        JSON.stringify({ name: pkg.name, version: pkg.version }, null, 2),
      );
      fs.cpSync(path.join(pkgDir, 'migrations'), path.join(target, 'migrations'), { recursive: true });
      shells.push(pkg.name);
    }
  }
  void bundled;
  return shells;
}

/** A liveness check for container HEALTHCHECKs: exit 0 when the backend answers. */
function writeHealthcheck() {
  const script = `// Exits 0 when the backend's liveness endpoint answers 200 (for container health checks).
const port = process.env.PORT || 7007;
fetch('http://127.0.0.1:' + port + '/.trellis/health/v1/liveness', { signal: AbortSignal.timeout(2500) })
  .then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1));
`;
  fs.writeFileSync(path.join(outDir, 'healthcheck.js'), script);
}

function copyConfig() {
  for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
    if (fs.existsSync(path.join(root, file))) fs.copyFileSync(path.join(root, file), path.join(outDir, file));
  }
}

function writePackageJson(copied) {
  const app = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
  const pkg = {
    name: app.name,
    version: app.version,
    private: true,
    main: 'index.js',
    scripts: { start: 'node --enable-source-maps index.js' },
    // The native driver and the code cache are built for this Node's ABI: run it on the same major.
    engines: { node: `${process.versions.node.split('.')[0]}.x` },
    dependencies: Object.fromEntries(NATIVE.filter((n) => copied.has(n)).map((n) => [n, copied.get(n)])),
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

function dirSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

function report({ bundled, copied, shells, codeCache, ms }) {
  const bundleBytes = fs.statSync(path.join(outDir, 'app.js')).size;
  const totalBytes = dirSize(outDir);
  const summary = {
    app: path.relative(root, appDir),
    out: path.relative(root, outDir),
    buildMs: ms,
    bundleKiB: Math.round(bundleBytes / 1024),
    artifactMiB: Math.round((totalBytes / 1024 / 1024) * 10) / 10,
    bundledPackages: bundled.length,
    nativePackages: [...copied.keys()],
    productionPackages: bundled.length + copied.size,
    pluginAssetPackages: shells,
    codeCache,
  };
  fs.writeFileSync(path.join(outDir, 'build-report.json'), JSON.stringify({ ...summary, bundled }, null, 2) + '\n');
  console.log(
    `Built ${summary.app} in ${ms} ms -> ${summary.out}: bundle ${summary.bundleKiB} KiB, artifact ${summary.artifactMiB} MiB, ` +
      `${summary.productionPackages} production packages (${bundled.length} bundled, ${copied.size} native/external: ${[...copied.keys()].join(', ')}), ` +
      (codeCache.written ? `code cache ${codeCache.kiB} KiB` : `no code cache (${codeCache.reason})`),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
