import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository these journeys check. */
export const repoRoot = path.resolve(__dirname, '../..');

/** Downloads (Node releases, Yarn) kept between runs, outside any clone. */
export const cacheDir = process.env.TRELLIS_JOURNEYS_CACHE ?? path.join(os.homedir(), '.cache', 'trellis-journeys');

/** A Node.js and a Yarn as a user has them on PATH, neither started through npm. */
export interface UserToolchain {
  /** Major version of the Node.js used, e.g. 24. */
  nodeMajor: number;
  /** Folder of the `node` binary. */
  nodeBinDir: string;
  /** Prefix whose include/node holds this Node's headers, for native builds without a download. */
  nodeHeadersDir?: string;
  /** Folder of the `yarn` binary. */
  yarnBinDir: string;
}

/** A Node.js major to run journeys on: this process's own, or one installed from the registry. */
export type NodeChoice = 'machine' | number;

/** Which Node majors the journeys run on: this machine's and 24, or TRELLIS_JOURNEY_NODES="machine,22". */
export function journeyNodes(): NodeChoice[] {
  const listed = (process.env.TRELLIS_JOURNEY_NODES ?? 'machine,24')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  const machine = Number(process.versions.node.split('.')[0]);
  const choices = listed.map((v) => (v === 'machine' ? 'machine' : Number(v))) as NodeChoice[];
  return choices.filter((c, i) => {
    const major = c === 'machine' ? machine : c;
    return choices.findIndex((o) => (o === 'machine' ? machine : o) === major) === i;
  });
}

/** Resolves a toolchain: the Node of `choice` and the Yarn that package.json's packageManager names. */
export function userToolchain(choice: NodeChoice): UserToolchain {
  const node = choice === 'machine' ? machineNode() : registryNode(choice);
  return { ...node, yarnBinDir: globalYarn() };
}

function machineNode(): Omit<UserToolchain, 'yarnBinDir'> {
  const binary = fs.realpathSync(process.execPath);
  const prefix = path.dirname(path.dirname(binary));
  return {
    nodeMajor: Number(process.versions.node.split('.')[0]),
    nodeBinDir: path.dirname(binary),
    nodeHeadersDir: fs.existsSync(path.join(prefix, 'include/node/node.h')) ? prefix : undefined,
  };
}

/**
 * Node `major` from the registry package node-<platform>-<arch>, which holds bin/node and the
 * headers in include/node (the `node` package's installer deletes those, so it is not used).
 */
function registryNode(major: number): Omit<UserToolchain, 'yarnBinDir'> {
  const name = `node-${process.platform}-${process.arch}`;
  const prefix = path.join(cacheDir, `node-${major}`);
  const pkgDir = path.join(prefix, 'node_modules', name);
  if (!fs.existsSync(path.join(pkgDir, 'bin/node'))) {
    npm([
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `${name}@${major}`,
    ]);
  }
  const version = spawnSync(path.join(pkgDir, 'bin/node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(`v${major}.`)) {
    throw new Error(`Node ${major} from ${name} reports '${version}'`);
  }
  return { nodeMajor: major, nodeBinDir: path.join(pkgDir, 'bin'), nodeHeadersDir: pkgDir };
}

/** The Yarn release package.json pins, installed as a plain global package into a scratch prefix. */
function globalYarn(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const match = /^yarn@(\d+\.\d+\.\d+)/.exec(manifest.packageManager ?? '');
  if (!match) {
    throw new Error(`package.json names no Yarn release in packageManager: '${manifest.packageManager}'`);
  }
  const prefix = path.join(cacheDir, `yarn-${match[1]}`);
  if (!fs.existsSync(path.join(prefix, 'bin/yarn'))) {
    npm(['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', `@yarnpkg/cli-dist@${match[1]}`]);
  }
  return path.join(prefix, 'bin');
}

function npm(args: string[]): void {
  fs.mkdirSync(cacheDir, { recursive: true });
  const run = spawnSync('npm', args, { encoding: 'utf8', cwd: cacheDir, env: withoutToolEnv(process.env) });
  if (run.status !== 0) {
    throw new Error(`npm ${args.join(' ')} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
}

/**
 * The environment of a user's shell: what npm, Yarn, Nx and Jest put there for the test runner
 * removed (npm_* variables, their node_modules/.bin and shim folders on PATH, CI's immutable
 * installs), and the toolchain's node and yarn first on PATH.
 */
export function userEnv(toolchain: UserToolchain, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = withoutToolEnv(process.env);
  const inherited = (env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => p && !/node_modules[\\/]\.bin|[\\/]xfs-[^\\/]+|node-gyp-bin/.test(p));
  env.PATH = [toolchain.yarnBinDir, toolchain.nodeBinDir, ...inherited].join(path.delimiter);
  // This machine cannot download Node's headers; its npm config points node-gyp at the installed
  // ones (nodedir) and a plain Yarn does not read npm's config, so the shell says it.
  if (toolchain.nodeHeadersDir) env.npm_config_nodedir = toolchain.nodeHeadersDir;
  env.NX_DAEMON = 'false';
  return { ...env, ...extra };
}

function withoutToolEnv(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(source)) {
    if (/^(npm_|NPM_|YARN_|BERRY_|NX_|JEST_|INIT_CWD$|PROJECT_CWD$|NODE_OPTIONS$|NODE_ENV$|CI$|TS_NODE_)/.test(key))
      continue;
    env[key] = value;
  }
  return env;
}
