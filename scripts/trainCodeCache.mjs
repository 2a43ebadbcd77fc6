// The training start of scripts/build-app.mjs: runs the built artifact once, in a scratch folder
// with its own config (SQLite files there, a free port on 127.0.0.1), waits for readiness, sends
// each plugin a few requests, then stops it with SIGTERM. At exit the artifact's entry point
// writes the V8 code cache of every function compiled so far next to the bundle (app.js.cache).
// A training start that fails leaves the artifact without a cache, which only costs start time.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const READY_TIMEOUT_MS = 30_000;

/** Writes `<outDir>/app.js.cache`; says whether it did, and its size or why not. */
export async function trainCodeCache(outDir) {
  const cacheFile = path.join(outDir, 'app.js.cache');
  fs.rmSync(cacheFile, { force: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-code-cache-'));
  try {
    const port = await freePort();
    writeTrainingConfig(scratch, port);
    const child = spawn(process.execPath, [path.join(outDir, 'index.js')], {
      cwd: scratch,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', TRELLIS_CODE_CACHE_OUT: cacheFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await exercise(`http://127.0.0.1:${port}`, child);
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      return { written: false, reason: `${error.message}${stderr ? `: ${stderr.trim().split('\n')[0]}` : ''}` };
    }
    child.kill('SIGTERM');
    await exited;
    if (!fs.existsSync(cacheFile)) {
      return { written: false, reason: 'the training start wrote no cache' };
    }
    return { written: true, kiB: Math.round(fs.statSync(cacheFile).size / 1024) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Waits for readiness, then calls each plugin's open JWKS route and an unknown route of it. */
async function exercise(base, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let ready;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`the training start exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`the training start was not ready in ${READY_TIMEOUT_MS} ms`);
    const response = await fetch(`${base}/.trellis/health/v1/readiness`).catch(() => undefined);
    if (response?.status === 200) ready = await response.json();
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (const pluginId of Object.keys(ready.plugins ?? {})) {
    for (const route of ['/.trellis/auth/v1/jwks.json', '/', '/?limit=1']) {
      await (await fetch(`${base}/api/${pluginId}${route}`)).arrayBuffer();
    }
  }
}

function writeTrainingConfig(dir, port) {
  const config = {
    backend: {
      listen: { host: '127.0.0.1', port },
      logger: { level: 'warn', format: 'json' },
      database: { client: 'better-sqlite3', connection: { directory: path.join(dir, 'sqlite') } },
    },
  };
  // JSON is YAML.
  fs.writeFileSync(path.join(dir, 'app-config.yaml'), JSON.stringify(config, null, 2));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}
