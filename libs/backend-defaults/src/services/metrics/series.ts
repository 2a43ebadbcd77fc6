/**
 * The framework's own metric series, kept in plain maps so that recording one is a string join
 * and a map lookup on the request path, and rendered in the Prometheus text format at scrape
 * time. prom-client (loaded at the first scrape) still provides the process series.
 */

type Labels<L extends string> = Record<L, string>;

interface Series {
  values: string[];
}

/** The label value every label of the overflow series takes, and of unknown plugins and routes. */
export const OTHER_LABEL = 'other';

/** How many label sets a series keeps before it folds new ones into its overflow series. */
export const DEFAULT_MAX_SERIES = 2000;

/** Called once per metric, the first time a label set is folded into its overflow series. */
export type OverflowListener = (metricName: string, maxSeries: number) => void;

abstract class LabelledSeries<L extends string, S extends Series> {
  readonly #series = new Map<string, S>();
  #maxSeries = DEFAULT_MAX_SERIES;
  #onOverflow?: OverflowListener;
  #overflow?: S;
  /** Observations folded into the overflow series because the cap was reached. */
  overflowed = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  /**
   * Caps the number of label sets: once `maxSeries` exist, observations of a new label set go to
   * one series whose labels are all `other`, so no caller can grow memory or a scrape without bound.
   */
  limit(maxSeries: number, onOverflow?: OverflowListener): this {
    this.#maxSeries = maxSeries;
    this.#onOverflow = onOverflow;
    return this;
  }

  protected series(labels: Labels<L>, create: (values: string[]) => S): S {
    return this.seriesOf(
      this.labelNames.map((name) => labels[name]),
      create,
    );
  }

  protected seriesOf(values: string[], create: (values: string[]) => S): S {
    const key = values.join('\u0000');
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= this.#maxSeries) {
        return this.#overflowSeries(create);
      }
      series = create(values);
      this.#series.set(key, series);
    }
    return series;
  }

  #overflowSeries(create: (values: string[]) => S): S {
    if (!this.#overflow) {
      this.#overflow = create(this.labelNames.map(() => OTHER_LABEL));
      this.#onOverflow?.(this.name, this.#maxSeries);
    }
    this.overflowed++;
    return this.#overflow;
  }

  *all(): IterableIterator<S> {
    yield* this.#series.values();
    if (this.#overflow) {
      yield this.#overflow;
    }
  }

  labelText(values: string[], extra?: [string, string]): string {
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
    this.series(labels, createCounter).value += amount;
  }

  render(): string {
    let text = this.header('counter');
    for (const { values, value } of this.all()) {
      text += `${this.name}${this.labelText(values)} ${value}\n`;
    }
    return text;
  }
}

type HistogramSeries = Series & { counts: number[]; sum: number; count: number };

/** A histogram per label set, with fixed upper bounds in seconds. */
export class HistogramVec<L extends string> extends LabelledSeries<L, HistogramSeries> {
  readonly #buckets: number[];

  constructor(name: string, help: string, labelNames: readonly L[], buckets: number[]) {
    super(name, help, labelNames);
    this.#buckets = [...buckets].sort((a, b) => a - b);
  }

  readonly #createSeries = (values: string[]) => this.#create(values);

  observe(labels: Labels<L>, value: number): void {
    this.#add(this.series(labels, this.#createSeries), value);
  }

  /**
   * The same with the label values in the order of the label names, for the request path: no
   * label object to build and read by name.
   */
  observeValues(values: string[], value: number): void {
    this.#add(this.seriesOf(values, this.#createSeries), value);
  }

  /** The observation counts as a counter of their own (`<name>_total` style series). */
  counter(name: string, help: string): { render(): string } {
    return {
      render: () => {
        let text = `# HELP ${name} ${help}\n# TYPE ${name} counter\n`;
        for (const { values, count } of this.all()) {
          text += `${name}${this.labelText(values)} ${count}\n`;
        }
        return text;
      },
    };
  }

  #create(values: string[]): HistogramSeries {
    return { values, counts: new Array(this.#buckets.length).fill(0), sum: 0, count: 0 };
  }

  #add(series: HistogramSeries, value: number): void {
    const buckets = this.#buckets;
    for (let i = 0; i < buckets.length; i++) {
      if (value <= buckets[i]!) {
        series.counts[i]!++;
        break;
      }
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
      text += `${this.name}${this.labelText(this.labelNames.map((name) => labels[name]))} ${value}\n`;
    }
    return text;
  }
}

function createCounter(values: string[]): Series & { value: number } {
  return { values, value: 0 };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
