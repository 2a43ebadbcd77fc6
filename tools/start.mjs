#!/usr/bin/env node
// `yarn start [project]`: runs a project's `serve` target (restarting on change). The project is
// an Nx name (`backend`, `todo`) or a folder (`plugins/todo-backend`, `apps/backend`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [target = 'backend', ...rest] = process.argv.slice(2);
let project = target;
const manifest = path.resolve(target, 'package.json');
if (target.includes('/') && fs.existsSync(manifest)) {
  const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  project = pkg.nx?.name ?? pkg.name;
}
const run = spawnSync('nx', ['serve', project, ...rest], { stdio: 'inherit' });
process.exit(run.status ?? 1);
