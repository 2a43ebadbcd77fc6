import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@trellis/test-kit';

export { freePort };

// tsx's loader by absolute URL, so the working directory may be anywhere.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/** A backend process started from TypeScript sources, as `yarn start backend` does. */
export interface SpawnedBackend {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Spawns `entry` (relative to apps/backend) with tsx, from the given working directory. */
export function spawnBackend(
  entry: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; args?: string[] },
): SpawnedBackend {
  const appDir = path.resolve(__dirname, '..');
  const child = spawn(
    process.execPath,
    ['--conditions=@trellis/source', '--import', TSX_LOADER, path.resolve(appDir, entry), ...(options.args ?? [])],
    { cwd: options.cwd, env: { ...process.env, NODE_ENV: 'test', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls until `url` answers with `status`, or throws after `timeoutMs` with the process output. */
export async function waitForStatus(url: string, status: number, backend: SpawnedBackend, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (backend.child.exitCode !== null) {
      throw new Error(`Backend exited with ${backend.child.exitCode}:\n${backend.output()}`);
    }
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === status) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Timed out waiting for ${status} from ${url}:\n${backend.output()}`);
}

/** A port nothing listens on right now. */
