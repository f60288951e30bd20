// Prometheus metrics (prom-client: the de-facto Node client, text exposition format built in).
// One registry per server, so tests can build many apps in one process.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'sysstatus_requests_total',
    help: 'Open API requests by API, HTTP status and envelope code',
    labelNames: ['api', 'status', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'sysstatus_request_duration_seconds',
    help: 'Time to answer an Open API request',
    labelNames: ['api'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
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
  readonly store = new Histogram({
    name: 'sysstatus_store_operation_duration_seconds',
    help: 'Time of store operations (a transaction counts once, as "transaction")',
    labelNames: ['operation'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'sysstatus_' });
  }

  // Each Open API request counts once and observes once: the labelled children are kept, because
  // finding one from a labels object (prom-client hashes its sorted names and values) cost more than
  // the count itself.
  private readonly requestCounts = new Map<string, { inc(): void }>();
  private readonly latencies = new Map<string, { observe(value: number): void }>();

  /** Counts an Open API request and observes its latency. */
  request(api: string, status: number, code: number | null, seconds: number): void {
    const key = `${api} ${status} ${code}`;
    let count = this.requestCounts.get(key);
    if (!count) this.requestCounts.set(key, (count = this.requests.labels({ api, status: String(status), code: code === null ? '' : String(code) })));
    count.inc();
    let latency = this.latencies.get(api);
    if (!latency) this.latencies.set(api, (latency = this.latency.labels({ api })));
    latency.observe(seconds);
  }
}
