// Prometheus metrics (prom-client: the de-facto Node client, text exposition format built in).
// One registry per server, so tests can build many apps in one process.
import { Counter, Histogram, type HistogramConfiguration, Registry, collectDefaultMetrics } from 'prom-client';

/** One labelled series of a histogram: a count per bucket (not cumulative), their sum and number. */
export class Tally {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly upperBounds: readonly number[]) {
    this.counts = new Float64Array(upperBounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.upperBounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]) bucket++;
    if (bucket < bounds.length) this.counts[bucket]++;
    this.sum += value;
    this.count++;
  }
}

/**
 * A histogram with one label whose observations are tallied in plain arrays and handed to
 * prom-client's exposition only when scraped. prom-client's own observe hashes the labels and looks
 * the bucket up by its bound as a property name: about 1 µs, which every request paid several times.
 */
class TalliedHistogram<T extends string> extends Histogram<T> {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly label: T,
    private readonly upperBounds: number[],
    private readonly config: Omit<HistogramConfiguration<T>, 'labelNames' | 'buckets'>,
  ) {
    super({ ...config, labelNames: [label], buckets: upperBounds });
  }

  /** The series of one label value, to observe into. */
  series(value: string): Tally {
    let tally = this.tallies.get(value);
    if (!tally) this.tallies.set(value, (tally = new Tally(this.upperBounds)));
    return tally;
  }

  // prom-client's exposition reads these two; both answer from the tallies, in its own shape.
  override async get(): Promise<Awaited<ReturnType<Histogram<T>['get']>>> {
    const values = [];
    const { name, help } = this.config;
    for (const [value, tally] of this.tallies) {
      const labels = { [this.label]: value };
      let cumulative = 0;
      this.upperBounds.forEach((le, bucket) => {
        cumulative += tally.counts[bucket];
        values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf', ...labels }, value: tally.count, metricName: `${name}_bucket` },
        { labels, value: tally.sum, metricName: `${name}_sum` },
        { labels, value: tally.count, metricName: `${name}_count` },
      );
    }
    // prom-client's typings call the type an enum and leave out `le`; at run time both are as here.
    const exposition = { name, help, type: 'histogram', values, aggregator: 'sum' };
    return exposition as unknown as Awaited<ReturnType<Histogram<T>['get']>>;
  }

  getForPromString() {
    return this.get();
  }

  override reset(): void {
    // prom-client's constructor resets too, before this class's fields exist.
    (this.tallies as Map<string, Tally> | undefined)?.clear();
  }
}

export class Metrics {
  readonly registry = new Registry();
  /** Requests counted since the last scrape, by "api status code": added to the counter when scraped. */
  private readonly pendingRequests = new Map<string, { labels: { api: string; status: string; code: string }; count: number }>();
  readonly requests = new Counter({
    name: 'sysstatus_requests_total',
    help: 'Open API requests by API, HTTP status and envelope code',
    labelNames: ['api', 'status', 'code'] as const,
    registers: [this.registry],
    collect: () => {
      for (const pending of this.pendingRequests.values()) {
        if (pending.count === 0) continue;
        this.requests.inc(pending.labels, pending.count);
        pending.count = 0;
      }
    },
  });
  private readonly latency = new TalliedHistogram('api', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], {
    name: 'sysstatus_request_duration_seconds',
    help: 'Time to answer an Open API request',
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'sysstatus_rate_limit_rejections_total',
    help: 'Requests the platform rate limiter refused (99991400), by API',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });
  readonly faults = new Counter({
    name: 'sysstatus_fault_firings_total',
    help: 'Fault rules that answered or delayed a request, by API',
    labelNames: ['api'] as const,
    registers: [this.registry],
  });
  private readonly store = new TalliedHistogram('operation', [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1], {
    name: 'sysstatus_store_operation_duration_seconds',
    help: 'Time of store operations (a transaction counts once, as "transaction")',
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'sysstatus_' });
  }

  /** The series that times one store operation. */
  storeOperation(name: string): Tally {
    return this.store.series(name);
  }

  /** Counts an Open API request and observes its latency. */
  request(api: string, status: number, code: number | null, seconds: number): void {
    const key = `${api} ${status} ${code}`;
    let pending = this.pendingRequests.get(key);
    if (!pending) this.pendingRequests.set(key, (pending = { labels: { api, status: String(status), code: code === null ? '' : String(code) }, count: 0 }));
    pending.count++;
    this.latency.series(api).observe(seconds);
  }
}
