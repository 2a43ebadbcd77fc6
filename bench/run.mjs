#!/usr/bin/env node
// yarn bench [--quick] [--only=cold,scaling,load,memory,deps]
// Measures Trellis next to a bare Express 5 server, one server at a time, and writes
// bench/results/latest.{json,md} and bench/results/ratios.svg. See docs/performance.md.
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '..');
const out = path.join(here, '.build');
const results = path.join(here, 'results');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = (args.find(a => a.startsWith('--only=')) ?? '').slice('--only='.length).split(',').filter(Boolean);
const wants = name => only.length === 0 || only.includes(name);
const RUNS = quick ? 2 : 5;
const LOAD_SECONDS = quick ? 1 : 5;
const PLUGIN_COUNTS = quick ? [1, 10] : [1, 10, 100, 500];
const TOKEN = 'bench-static-token-0123456789abcdef';

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Creates todos to read; retries once when a kept-alive socket was closed under it. */
async function seedTodos(base, headers) {
  for (let i = 0; i < 20; i++) {
    const request = () => fetch(`${base}/api/todo/todos`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ title: `todo ${i}` }) });
    const response = await request().catch(request);
    if (response.status !== 201) throw new Error(`seeding todos failed with ${response.status}`);
  }
}

async function freePort() {
  return new Promise(resolve => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function bundle(entry, outfile) {
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    conditions: ['@trellis/source'], logLevel: 'error',
    external: ['better-sqlite3', 'pg-native', 'mysql', 'mysql2', 'mariadb', 'mariadb/*', 'oracledb', 'tedious', 'sqlite3', 'pg-query-stream'],
  });
}

function configDir(extra = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-'));
  fs.writeFileSync(path.join(dir, 'app-config.yaml'), [
    'backend:',
    '  listen: { host: 127.0.0.1 }',
    '  logger: { level: warn }',
    "  database: { client: better-sqlite3, connection: ':memory:' }",
    '  auth:',
    '    externalAccess:',
    `      - { type: static, options: { token: ${TOKEN}, subject: bench } }`,
    extra,
  ].join('\n'));
  return dir;
}

/** Starts a server; resolves when `readyPath` answers 200, with timings and the process. */
async function startServer({ file, env = {}, cwd = here, readyPath, firstPath, args: extraArgs = [] }) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [file, ...extraArgs], { cwd, env: { ...process.env, NODE_ENV: 'production', PORT: String(port), APP_CONFIG_backend_listen_port: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', c => (output += c));
  child.stderr.on('data', c => (output += c));
  const base = `http://127.0.0.1:${port}`;
  let firstMs;
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (firstMs === undefined) {
      const r = await fetch(base + firstPath).catch(() => undefined);
      if (r?.status === 200) firstMs = performance.now() - started;
    }
    if (firstMs !== undefined) {
      const r = await fetch(base + readyPath).catch(() => undefined);
      if (r?.status === 200) {
        return { child, base, firstMs, readyMs: performance.now() - started, output: () => output };
      }
    }
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready: ${output}`);
}

function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

async function stop(server) {
  server.child.kill('SIGKILL');
  await new Promise(r => (server.child.exitCode !== null ? r() : server.child.once('exit', r)));
}

function autocannon(url, headers = {}) {
  const bin = path.join(root, 'node_modules/.bin/autocannon');
  const hs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  spawnSync(bin, ['-c', '10', '-d', '1', ...hs, url], { encoding: 'utf8' });
  const run = spawnSync(bin, ['-c', '10', '-d', String(LOAD_SECONDS), '-j', ...hs, url], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const json = JSON.parse(run.stdout);
  const non2xx = json.non2xx + json.errors;
  if (non2xx > 0) throw new Error(`${non2xx} failed requests to ${url}`);
  return { rps: json.requests.average, p50: json.latency.p50, p99: json.latency.p99 };
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  fs.mkdirSync(results, { recursive: true });
  const t0 = Date.now();
  await bundle(path.join(here, 'src/servers/express.ts'), path.join(out, 'express.js'));
  await bundle(path.join(here, 'src/servers/plugins.ts'), path.join(out, 'plugins.js'));
  const reference = path.join(out, 'backend');
  const buildRun = spawnSync(process.execPath, [path.join(root, 'scripts/build-app.mjs'), 'apps/backend', '--out', reference], { cwd: root, encoding: 'utf8' });
  if (buildRun.status !== 0) throw new Error(buildRun.stderr);
  const express = { file: path.join(out, 'express.js'), readyPath: '/.trellis/health/v1/readiness', firstPath: '/api/example/hello' };
  const referenceServer = () => ({ file: path.join(reference, 'index.js'), cwd: reference, args: ['--config', path.join(configDir(), 'app-config.yaml')], readyPath: '/.trellis/health/v1/readiness', firstPath: '/api/example/hello' });
  const report = { date: new Date().toISOString(), machine: `${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`, quick, figures: {} };

  if (wants('cold') || wants('memory')) {
    const cold = { express: { first: [], ready: [], rss: [] }, trellis: { first: [], ready: [], rss: [] } };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, spec] of [['express', express], ['trellis', referenceServer()]]) {
        const server = await startServer(spec);
        cold[name].first.push(server.firstMs);
        cold[name].ready.push(server.readyMs);
        cold[name].rss.push(rssKiB(server.child.pid));
        await stop(server);
      }
    }
    const m = k => Object.fromEntries(['first', 'ready', 'rss'].map(f => [f, round(median(cold[k][f]))]));
    report.figures.coldStart = { express: m('express'), trellis: m('trellis'), ratioFirst: round(median(cold.trellis.first) / median(cold.express.first), 2), ratioReady: round(median(cold.trellis.ready) / median(cold.express.ready), 2) };
  }

  if (wants('scaling')) {
    const rows = [];
    for (const n of PLUGIN_COUNTS) {
      const starts = [];
      const rss = [];
      for (let i = 0; i < Math.max(2, RUNS - 2); i++) {
        const server = await startServer({ file: path.join(out, 'plugins.js'), cwd: configDir(), env: { PLUGINS: String(n) }, readyPath: '/.trellis/health/v1/readiness', firstPath: '/api/p0/hello' });
        starts.push(server.readyMs);
        rss.push(rssKiB(server.child.pid));
        await stop(server);
      }
      rows.push({ plugins: n, readyMs: round(median(starts)), rssKiB: median(rss) });
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    report.figures.scaling = { rows, perPluginMs: round((last.readyMs - first.readyMs) / (last.plugins - first.plugins), 2), perPluginKiB: round((last.rssKiB - first.rssKiB) / (last.plugins - first.plugins), 1) };
    const hundred = rows.find(r => r.plugins === 100);
    if (hundred) report.figures.scaling.ratio100to1 = round(hundred.readyMs / first.readyMs, 2);
  }

  if (wants('load')) {
    const load = {};
    let server = await startServer(express);
    const expressIdle = rssKiB(server.child.pid);
    load.express = autocannon(`${server.base}/api/example/hello`);
    const expressLoaded = rssKiB(server.child.pid);
    await stop(server);
    server = await startServer(referenceServer());
    const idle = rssKiB(server.child.pid);
    load.openRoute = autocannon(`${server.base}/api/example/hello`);
    const auth = { authorization: `Bearer ${TOKEN}` };
    await seedTodos(server.base, auth);
    load.todoSqlite = autocannon(`${server.base}/api/todo/todos?limit=20`, auth);
    const loaded = rssKiB(server.child.pid);
    await stop(server);
    server = await startServer({ file: path.join(out, 'plugins.js'), cwd: configDir(), env: { PLUGINS: '1', WITH_CALLER: '1' }, readyPath: '/.trellis/health/v1/readiness', firstPath: '/api/p0/hello' });
    const token = /BENCH_TOKEN=(\S+)/.exec(server.output())?.[1];
    load.tokenRoute = autocannon(`${server.base}/api/p0/secure`, { authorization: `Bearer ${token}` });
    await stop(server);
    const pg = spawnSync('pg_isready', ['-h', '127.0.0.1', '-q']).status === 0;
    if (pg) {
      const db = `trellis_bench_${Date.now()}`;
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `create database ${db}`]);
      const dir = configDir(`  database:\n    client: pg\n    pluginDivisionMode: schema\n    connection: { host: 127.0.0.1, user: postgres, database: ${db} }\n`.replace("  database: { client: better-sqlite3, connection: ':memory:' }\n", ''));
      const config = fs.readFileSync(path.join(dir, 'app-config.yaml'), 'utf8').replace("  database: { client: better-sqlite3, connection: ':memory:' }\n", '');
      fs.writeFileSync(path.join(dir, 'app-config.yaml'), config);
      server = await startServer({ ...referenceServer(), args: ['--config', path.join(dir, 'app-config.yaml')] });
      await seedTodos(server.base, auth);
      load.todoPostgres = autocannon(`${server.base}/api/todo/todos?limit=20`, auth);
      await stop(server);
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-c', `drop database ${db} with (force)`]);
    }
    const ratio = k => (load[k] ? round(load[k].rps / load.express.rps, 2) : undefined);
    report.figures.load = { ...load, ratios: { openRoute: ratio('openRoute'), tokenRoute: ratio('tokenRoute'), todoSqlite: ratio('todoSqlite'), todoPostgres: ratio('todoPostgres') } };
    report.figures.memory = { expressIdleKiB: expressIdle, expressAfterLoadKiB: expressLoaded, trellisIdleKiB: idle, trellisAfterLoadKiB: loaded, ratioIdle: round(idle / expressIdle, 2) };
  }

  if (wants('deps')) {
    const buildReport = JSON.parse(fs.readFileSync(path.join(reference, 'build-report.json'), 'utf8'));
    report.figures.dependencies = { productionPackages: buildReport.productionPackages, artifactMiB: buildReport.artifactMiB, bundleKiB: buildReport.bundleKiB };
  }
  report.totalSeconds = round((Date.now() - t0) / 1000);
  writeResults(report);
}

function writeResults(report) {
  const f = report.figures;
  const rows = [];
  if (f.coldStart) {
    rows.push(['Cold start to first 200 (ms)', f.coldStart.express.first, f.coldStart.trellis.first, f.coldStart.ratioFirst, '≤ 2×']);
    rows.push(['Cold start to ready (ms)', f.coldStart.express.ready, f.coldStart.trellis.ready, f.coldStart.ratioReady, 'ready < 1000 ms']);
  }
  if (f.load) {
    const l = f.load;
    rows.push(['Open route (req/s)', round(l.express.rps), round(l.openRoute.rps), l.ratios.openRoute, '≥ 0.8']);
    rows.push(['Service-token route (req/s)', round(l.express.rps), round(l.tokenRoute.rps), l.ratios.tokenRoute, '≥ 0.6']);
    rows.push(['Todo list, SQLite (req/s)', round(l.express.rps), round(l.todoSqlite.rps), l.ratios.todoSqlite, '—']);
    if (l.todoPostgres) rows.push(['Todo list, PostgreSQL (req/s)', round(l.express.rps), round(l.todoPostgres.rps), l.ratios.todoPostgres, '—']);
    rows.push(['p50 / p99 latency, open route (ms)', `${l.express.p50} / ${l.express.p99}`, `${l.openRoute.p50} / ${l.openRoute.p99}`, '', '']);
  }
  if (f.memory) {
    rows.push(['RSS idle (KiB)', f.memory.expressIdleKiB, f.memory.trellisIdleKiB, f.memory.ratioIdle, '≤ 2×']);
    rows.push(['RSS after load (KiB)', f.memory.expressAfterLoadKiB, f.memory.trellisAfterLoadKiB, round(f.memory.trellisAfterLoadKiB / f.memory.expressAfterLoadKiB, 2), '']);
  }
  let md = `Measured ${report.date} on ${report.machine}${report.quick ? ' (quick mode)' : ''}; total ${report.totalSeconds} s.\n\n`;
  md += '| figure | bare Express | Trellis | ratio | target |\n|---|---|---|---|---|\n';
  md += rows.map(r => `| ${r.join(' | ')} |`).join('\n') + '\n';
  if (f.scaling) {
    md += `\n| plugins | ready (ms) | RSS (KiB) |\n|---|---|---|\n` + f.scaling.rows.map(r => `| ${r.plugins} | ${r.readyMs} | ${r.rssKiB} |`).join('\n') + '\n';
    md += `\nPer plugin: ${f.scaling.perPluginMs} ms and ${f.scaling.perPluginKiB} KiB (target ≤ 3 ms, ≤ 300 KiB)` + (f.scaling.ratio100to1 ? `; 100 plugins start in ${f.scaling.ratio100to1}× the time of 1 (target ≤ 2×).\n` : '.\n');
  }
  if (f.dependencies) {
    md += `\nProduction install: ${f.dependencies.productionPackages} packages, ${f.dependencies.artifactMiB} MiB artifact (bundle ${f.dependencies.bundleKiB} KiB).\n`;
  }
  fs.writeFileSync(path.join(results, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(path.join(results, 'latest.md'), md);
  fs.writeFileSync(path.join(results, 'ratios.svg'), svg(rows.filter(r => typeof r[3] === 'number')));
  console.log(md);
}

function svg(rows) {
  const width = 640, bar = 26, gap = 10, left = 260, scale = 160;
  const height = rows.length * (bar + gap) + 40;
  const items = rows.map(([label, , , ratio], i) => {
    const y = 20 + i * (bar + gap);
    const w = Math.min(ratio, 2.2) * scale;
    return `<text x="${left - 8}" y="${y + 18}" text-anchor="end" font-size="12">${label}</text><rect x="${left}" y="${y}" width="${w}" height="${bar}" fill="#3b82f6"/><text x="${left + w + 6}" y="${y + 18}" font-size="12">${ratio}×</text>`;
  });
  const one = `<line x1="${left + scale}" y1="10" x2="${left + scale}" y2="${height - 10}" stroke="#111" stroke-dasharray="4 3"/><text x="${left + scale + 4}" y="${height - 4}" font-size="11">1× = bare Express</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/>${items.join('')}${one}</svg>\n`;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
