import { Counter, Histogram, Registry } from 'prom-client';
import { CounterVec, GaugeVec, HistogramVec } from './series';

/** Samples of a text exposition as `name{sorted labels} value` strings, comments dropped. */
function samples(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = (match[2] ?? '').match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g) ?? [];
      return `${match[1]}{${labels.sort().join(',')}} ${Number(match[3])}`;
    })
    .sort();
}

describe('metric series', () => {
  it('render counters and histograms exactly as prom-client does for the same observations', async () => {
    const registry = new Registry();
    const reference = {
      counter: new Counter({ name: 'c_total', help: 'c', labelNames: ['plugin', 'status'], registers: [registry] }),
      histogram: new Histogram({
        name: 'h_seconds',
        help: 'h',
        labelNames: ['plugin'],
        buckets: [0.01, 0.1, 1],
        registers: [registry],
      }),
      observations: new Counter({ name: 'h_total', help: 'h', labelNames: ['plugin'], registers: [registry] }),
    };
    const counter = new CounterVec('c_total', 'c', ['plugin', 'status'] as const);
    const histogram = new HistogramVec('h_seconds', 'h', ['plugin'] as const, [0.1, 0.01, 1]);
    const observations: Array<[string, string, number]> = [
      ['todo', '200', 0.004],
      ['todo', '200', 0.05],
      ['todo', '500', 3],
      ['quote"and\\slash', '404', 0.01],
      ['catalog', '200', 1],
    ];
    for (const [plugin, status, seconds] of observations) {
      reference.counter.inc({ plugin, status });
      reference.histogram.observe({ plugin }, seconds);
      reference.observations.inc({ plugin });
      counter.inc({ plugin, status });
      histogram.observeValues([plugin], seconds);
    }
    const ours = counter.render() + histogram.render() + histogram.counter('h_total', 'h').render();
    expect(samples(ours)).toEqual(samples(await registry.metrics()));
  });

  it('reads gauges at render time and escapes label values', () => {
    let value = 1;
    const gauge = new GaugeVec('g', 'a gauge\nwith two lines', ['plugin'] as const, () => [
      [{ plugin: 'a\nb' }, value],
    ]);
    value = 7;
    expect(gauge.render()).toBe('# HELP g a gauge\\nwith two lines\n# TYPE g gauge\ng{plugin="a\\nb"} 7\n');
  });
});
