// esbuild's keepNames (needed: CustomErrorBase names errors after their class, and bundling may
// rename a class whose name another module also uses) wraps every named function in
// `__name(fn, "name")`, which calls Object.defineProperty each time the function is created:
// for closures made per request, on every request, and it gives each such function a new hidden
// class. Almost always the name is already right (V8 infers it from the binding), so the helper
// is rewritten to define the name only when it differs. The replacement is padded to the same
// length, so the source map's columns stay right.
const ORIGINAL = 'var __name=(target,value)=>__defProp(target,"name",{value,configurable:!0});';
const CHEAP = 'var __name=(t,v)=>t.name===v?t:__defProp(t,"name",{value:v,configurable:1});';

/** The bundle with the cheap name helper; throws when esbuild's helper is not found once. */
export function withCheapNameHelper(code) {
  const at = code.indexOf(ORIGINAL);
  if (at < 0 || code.indexOf(ORIGINAL, at + 1) >= 0) {
    throw new Error("esbuild's __name helper was not found exactly once in the bundle; update scripts/nameHelper.mjs");
  }
  if (CHEAP.length > ORIGINAL.length) {
    throw new Error('The cheap __name helper must not be longer than the original');
  }
  return code.slice(0, at) + CHEAP.padEnd(ORIGINAL.length, ' ') + code.slice(at + ORIGINAL.length);
}
