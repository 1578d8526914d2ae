import { Histogram, type Registry } from 'prom-client';

/** One series of a CountedHistogram: counts per bucket (not cumulative; the last is +Inf) and the sum. */
export interface HistogramSeries<T extends string> {
  readonly labels: Readonly<Record<T, string>>;
  readonly counts: Float64Array;
  sum: number;
}

/**
 * A prom-client histogram whose observations are counted by the caller, in plain arrays, and
 * read only when Prometheus scrapes. prom-client's own observe() hashes the labels and allocates
 * on every call: 1.2–1.9 µs per decision measured here, on a decision that costs 3.5 µs. The
 * exposition (text and JSON) is built in exactly the shape prom-client's Histogram builds it, and
 * test/unit/metrics/counted-histogram.test.ts compares the two outputs line for line.
 */
type Exported<T extends string> = Awaited<ReturnType<Histogram<T>['get']>>;

interface PromValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: Readonly<Record<string, string>>;
  metricName: string;
}

export class CountedHistogram<T extends string> extends Histogram<T> {
  readonly #series: HistogramSeries<T>[] = [];
  readonly #bounds: readonly number[];
  readonly #name: string;
  readonly #help: string;

  constructor(config: {
    name: string;
    help: string;
    labelNames: readonly T[];
    buckets: number[];
    registry: Registry;
  }) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames,
      buckets: config.buckets,
      registers: [config.registry],
    });
    this.#name = config.name;
    this.#help = config.help;
    this.#bounds = [...config.buckets];
  }

  /** A new series; the caller counts into it with observeInto(). */
  series(labels: Record<T, string>): HistogramSeries<T> {
    const series = { labels, counts: new Float64Array(this.#bounds.length + 1), sum: 0 };
    this.#series.push(series);
    return series;
  }

  /** Counts one observation: nothing allocated, a few comparisons. */
  observeInto(series: HistogramSeries<T>, value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    series.counts[i] = (series.counts[i] as number) + 1;
    series.sum += value;
  }

  // What prom-client's Registry reads for the text format (lib/registry.js getMetricsAsString).
  async getForPromString() {
    return {
      name: this.#name,
      help: this.#help,
      type: 'histogram' as const,
      aggregator: 'sum' as const,
      values: this.#values(),
    };
  }

  // The JSON form (getMetricsAsJSON, cluster aggregation): the labels of each value in one object.
  override async get(): Promise<Exported<T>> {
    const data = await this.getForPromString();
    const values = data.values.map(({ labels, sharedLabels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    // prom-client's typings declare the type a numeric enum; at run time it is the string.
    return { ...data, values } as unknown as Exported<T>;
  }

  #values(): PromValue[] {
    const bucket = `${this.#name}_bucket`;
    const values: PromValue[] = [];
    for (const series of this.#series) {
      let cumulative = 0;
      this.#bounds.forEach((bound, i) => {
        cumulative += series.counts[i] as number;
        values.push({
          value: cumulative,
          labels: { le: bound },
          sharedLabels: series.labels,
          metricName: bucket,
        });
      });
      const count = cumulative + (series.counts[this.#bounds.length] as number);
      values.push(
        { value: count, labels: { le: '+Inf' }, sharedLabels: series.labels, metricName: bucket },
        { value: series.sum, labels: {}, sharedLabels: series.labels, metricName: `${this.#name}_sum` },
        { value: count, labels: {}, sharedLabels: series.labels, metricName: `${this.#name}_count` },
      );
    }
    return values;
  }
}
