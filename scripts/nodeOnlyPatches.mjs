// An esbuild plugin that takes out, at build time, a dependency's check for another JavaScript
// runtime when that check is costly on Node. The bundles of scripts/build-app.mjs run on Node
// only, so the answer is known when bundling.
//
// pg (lib/stream.js) asks at load whether it runs in a Cloudflare Worker. Node 20 has no
// `navigator`, so pg reads the global `Response` instead. That getter loads Node's bundled undici
// (fetch) and constructs a Response: 15 to 20 ms of every start of a backend on PostgreSQL, for a
// module nothing else loads at start. Node 21 and later have `navigator` and never get there.
//
// A patch whose text is not found fails the build: the package changed, and the patch must be
// checked against the new code (kept, rewritten or dropped), not silently skipped.
import fs from 'node:fs';

const PATCHES = [
  {
    file: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/,
    find: 'function getStreamFuncs() {\n  if (isCloudflareRuntime()) {',
    replace: 'function getStreamFuncs() {\n  if (false) {',
  },
];

/** @returns {import('esbuild').Plugin} */
export function nodeOnlyPatches() {
  return {
    name: 'node-only-patches',
    setup(build) {
      for (const patch of PATCHES) {
        build.onLoad({ filter: patch.file }, async (args) => {
          const source = await fs.promises.readFile(args.path, 'utf8');
          const at = source.indexOf(patch.find);
          if (at < 0 || source.indexOf(patch.find, at + 1) >= 0) {
            return {
              errors: [
                { text: `${args.path} changed: the patch of scripts/nodeOnlyPatches.mjs no longer applies; check it` },
              ],
            };
          }
          return { contents: source.slice(0, at) + patch.replace + source.slice(at + patch.find.length), loader: 'js' };
        });
      }
    },
  };
}
