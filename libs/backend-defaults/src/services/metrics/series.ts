/**
 * The framework's own metric series, kept in plain maps so that recording one is a string join
 * and a map lookup on the request path, and rendered in the Prometheus text format at scrape
 * time. prom-client (loaded at the first scrape) still provides the process series.
 */

type Labels<L extends string> = Record<L, string>;

interface Series {
  values: string[];
}

abstract class LabelledSeries<L extends string, S extends Series> {
  readonly #series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  protected series(labels: Labels<L>, create: (values: string[]) => S): S {
    const values = this.labelNames.map(name => labels[name]);
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      series = create(values);
      this.#series.set(key, series);
    }
    return series;
  }

  protected all(): IterableIterator<S> {
    return this.#series.values();
  }

  protected labelText(values: string[], extra?: [string, string]): string {
    const pairs = this.labelNames.map((name, i) => `${name}="${escapeLabel(values[i] ?? '')}"`);
    if (extra) {
      pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    }
    return pairs.length > 0 ? `{${pairs.join(',')}}` : '';
  }

  protected header(type: string): string {
    return `# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${this.name} ${type}\n`;
  }

  abstract render(): string;
}

/** A counter per label set. */
export class CounterVec<L extends string> extends LabelledSeries<L, Series & { value: number }> {
  inc(labels: Labels<L>, amount = 1): void {
    this.series(labels, values => ({ values, value: 0 })).value += amount;
  }

  render(): string {
    let text = this.header('counter');
    for (const { values, value } of this.all()) {
      text += `${this.name}${this.labelText(values)} ${value}\n`;
    }
    return text;
  }
}

/** A histogram per label set, with fixed upper bounds in seconds. */
export class HistogramVec<L extends string> extends LabelledSeries<L, Series & { counts: number[]; sum: number; count: number }> {
  readonly #buckets: number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: number[]) {
    super(name, help, labelNames);
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels<L>, value: number): void {
    const series = this.series(labels, values => ({ values, counts: new Array(this.#buckets.length).fill(0), sum: 0, count: 0 }));
    const index = this.#buckets.findIndex(bound => value <= bound);
    if (index !== -1) {
      series.counts[index]!++;
    }
    series.sum += value;
    series.count++;
  }

  render(): string {
    let text = this.header('histogram');
    for (const { values, counts, sum, count } of this.all()) {
      let cumulative = 0;
      this.#buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        text += `${this.name}_bucket${this.labelText(values, ['le', String(bound)])} ${cumulative}\n`;
      });
      text += `${this.name}_bucket${this.labelText(values, ['le', '+Inf'])} ${count}\n`;
      text += `${this.name}_sum${this.labelText(values)} ${sum}\n`;
      text += `${this.name}_count${this.labelText(values)} ${count}\n`;
    }
    return text;
  }
}

/** A gauge whose values are read at scrape time. */
export class GaugeVec<L extends string> extends LabelledSeries<L, Series> {
  readonly #collect: () => Array<[Labels<L>, number]>;

  constructor(name: string, help: string, labelNames: readonly L[], collect: () => Array<[Labels<L>, number]>) {
    super(name, help, labelNames);
    this.#collect = collect;
  }

  render(): string {
    let text = this.header('gauge');
    for (const [labels, value] of this.#collect()) {
      text += `${this.name}${this.labelText(this.labelNames.map(name => labels[name]))} ${value}\n`;
    }
    return text;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
