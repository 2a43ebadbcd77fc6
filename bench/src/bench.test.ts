import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Not a benchmark: a smoke test that the harness still runs end to end and writes its results.
it('runs yarn bench --quick on the cold-start and dependency figures', () => {
  const bench = path.resolve(__dirname, '..');
  const resultsFile = path.join(bench, 'results/latest.json');
  const kept = ['latest.json', 'latest.md', 'ratios.svg'].map(name => path.join(bench, 'results', name));
  const previous = kept.map(file => (fs.existsSync(file) ? fs.readFileSync(file) : undefined));
  try {
    const run = spawnSync(process.execPath, ['run.mjs', '--quick', '--only=cold,deps'], { cwd: bench, encoding: 'utf8', timeout: 100_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    expect(report.figures.coldStart.trellis.ready).toBeGreaterThan(0);
    expect(report.figures.coldStart.ratioReady).toBeGreaterThan(0);
    expect(report.figures.dependencies.productionPackages).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(bench, 'results/ratios.svg'), 'utf8')).toContain('<svg');
  } finally {
    kept.forEach((file, i) => previous[i] && fs.writeFileSync(file, previous[i]!));
  }
});
