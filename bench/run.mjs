#!/usr/bin/env node
// yarn bench [--quick] [--only=cold,scaling,requests,instructions,deps,catalog] [--out=DIR] [--doc]
// The harness is TypeScript (bench/src/run.ts); only the harness goes through tsx, every measured
// server is plain JavaScript built by esbuild. See docs/performance.md.
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('./src/run.ts');
