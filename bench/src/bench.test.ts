import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BenchReport } from './BenchReport';

// Not a benchmark (nothing here is timed): a smoke test that the harness still builds, starts,
// measures and reports, so it cannot rot between runs of `yarn bench`.
it('runs yarn bench --quick on the cold-start and dependency figures', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-smoke-'));
  try {
    const run = spawnSync(process.execPath, ['run.mjs', '--quick', '--only=cold,deps', `--out=${out}`], {
      cwd: path.resolve(__dirname, '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.figures.coldStart?.reference.readyMs).toBeGreaterThan(0);
    expect(report.figures.coldStart?.express.firstMs).toBeGreaterThan(0);
    expect(report.figures.dependencies?.artifact.packages).toBeGreaterThan(0);
    expect(report.figures.dependencies?.installed.packages).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(out, 'latest.md'), 'utf8')).toContain(
      '| Cold start: spawn to readiness 200 (ms) |',
    );
    expect(fs.readFileSync(path.join(out, 'ratios.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
