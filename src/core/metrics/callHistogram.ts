import type { Metric, Registry } from 'prom-client';

/** One server's bucket counts (not cumulative: the bucket a value fell in), sum and count. */
export interface HistogramSeries {
  observe(seconds: number): void;
}

interface Counts {
  buckets: Float64Array;
  sum: number;
  count: number;
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A Prometheus histogram by server whose observations are a bucket search and three additions.
 * prom-client's own hashes its labels and looks its series up at every observe, which a CPU
 * profile of the gateway showed as the largest part of what metering a tools/call costs; here a
 * series is resolved once per server and turned into the text format only when scraped.
 */
export class CallHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Counts>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // The registry asks any registered object for `get()`; this one is not a prom-client class.
    registry.registerMetric(this as unknown as Metric);
  }

  labels(server: string): HistogramSeries {
    let counts = this.series.get(server);
    if (counts === undefined) {
      counts = { buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(server, counts);
    }
    const { bounds } = this;
    const found = counts;
    return {
      observe(seconds: number): void {
        let at = 0;
        while (at < bounds.length && seconds > (bounds[at] as number)) at++;
        found.buckets[at] = (found.buckets[at] as number) + 1;
        found.sum += seconds;
        found.count += 1;
      },
    };
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    for (const [server, counts] of this.series) {
      let cumulative = 0;
      for (let at = 0; at <= this.bounds.length; at++) {
        cumulative += counts.buckets[at] as number;
        const le = at < this.bounds.length ? (this.bounds[at] as number) : '+Inf';
        values.push({ labels: { le, server }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { server }, value: counts.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { server }, value: counts.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes the counts in place: the servers' series stay bound to them. */
  reset(): void {
    for (const counts of this.series.values()) {
      counts.buckets.fill(0);
      counts.sum = 0;
      counts.count = 0;
    }
  }
}
