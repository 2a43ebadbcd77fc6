// esbuild's keepNames (needed: CustomErrorBase names errors after their class, and bundling may
// rename a class whose name another module also uses) wraps every named function in
// `__name(fn, "name")`, which calls Object.defineProperty each time the function is created:
// for closures made per request, on every request, and it gives each such function a new hidden
// class. Where the name is already right (a declared function), the helper is rewritten to
// define the name only when it differs, and calls around functions the language names by itself
// are taken out (withInferredNames). Both keep the bundle's length and columns, so the source map
// stays right.
import { parse } from 'acorn';

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

/**
 * The bundle with `__name` calls taken out where V8 gives the function the same name by itself.
 * keepNames wraps a function or arrow bound to a name as `x = __name(() => ..., "x")`; inside
 * the call the function is anonymous, so even the cheap helper has to define its name, every
 * time the function is created: per request for closures made per request (a handler's `next`,
 * pg-pool's query callback, knex's query builders). Where the call is the whole initialiser of a
 * variable, the right side of `=` to a plain identifier, or the value of a plain property, and
 * the name given is the one the language itself would infer there, `__name(` and `, "x")` are
 * overwritten with spaces: the function gets the same name, no call is made, and every column
 * stays where the source map says.
 */
export function withInferredNames(code, helper = '__name') {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
  const blanks = [];
  // An explicit stack: minified code nests deep enough (long `+` chains) to overflow recursion.
  const stack = [[ast, undefined]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop();
    if (isRedundantNameCall(node, parent, helper)) {
      const [fn] = node.arguments;
      blanks.push([node.start, fn.start], [fn.end, node.end]);
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (item && typeof item.type === 'string') stack.push([item, node]);
      } else if (child && typeof child.type === 'string') {
        stack.push([child, node]);
      }
    }
  }
  blanks.sort((a, b) => a[0] - b[0]);
  let out = '';
  let copied = 0;
  for (const [start, end] of blanks) {
    out += code.slice(copied, start) + code.slice(start, end).replace(/[^\n]/g, ' ');
    copied = end;
  }
  return { code: out + code.slice(copied), removed: blanks.length / 2 };
}

function isRedundantNameCall(node, parent, helper) {
  if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== helper) return false;
  const [fn, name] = node.arguments;
  if (node.arguments.length !== 2 || name.type !== 'Literal' || typeof name.value !== 'string') return false;
  if (fn.type !== 'ArrowFunctionExpression' && !(fn.type === 'FunctionExpression' && !fn.id)) return false;
  return inferredName(node, parent) === name.value;
}

/** The name the language gives an anonymous function in this place, or undefined. */
function inferredName(node, parent) {
  if (parent?.type === 'VariableDeclarator' && parent.init === node && parent.id.type === 'Identifier') {
    return parent.id.name;
  }
  if (
    parent?.type === 'AssignmentExpression' &&
    parent.operator === '=' &&
    parent.right === node &&
    parent.left.type === 'Identifier'
  ) {
    return parent.left.name;
  }
  if (
    parent?.type === 'Property' &&
    parent.value === node &&
    parent.kind === 'init' &&
    !parent.computed &&
    !parent.method
  ) {
    if (parent.key.type === 'Identifier') return parent.key.name;
    if (parent.key.type === 'Literal' && typeof parent.key.value === 'string') return parent.key.value;
  }
  return undefined;
}
