// The request path's metrics are tallied outside prom-client and handed to it when scraped: the
// exposition must be the one prom-client itself would write for the same observations.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { Metrics } from '../../src/emulator/metrics.js';

const STORE_METRIC = 'sysstatus_store_operation_duration_seconds';
const LATENCY_METRIC = 'sysstatus_request_duration_seconds';

/** prom-client's own histogram with the same definition as one of ours, in a registry of its own. */
async function reference(metrics: Metrics, name: string, label: string, observations: [string, number][]): Promise<string> {
  const ours = (await metrics.registry.getSingleMetric(name)!.get()) as unknown as { help: string; values: { labels: { le?: number | string } }[] };
  const buckets = [...new Set(ours.values.map((value) => value.labels.le).filter((le): le is number => typeof le === 'number'))];
  const registry = new Registry();
  const histogram = new Histogram({ name, help: ours.help, labelNames: [label], buckets, registers: [registry] });
  for (const [value, seconds] of observations) histogram.observe({ [label]: value }, seconds);
  return registry.getSingleMetricAsString(name);
}

test('tallied histograms expose what prom-client would: buckets on their bounds, sums, counts, label values in first-seen order', async () => {
  const metrics = new Metrics({ processMetrics: false });
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const observations: [string, number][] = [];
  for (let i = 0; i < 2000; i++) {
    const operation = ['transaction', 'getApp', 'listSystemStatuses'][Math.floor(random() * 3)];
    // Values on the bounds themselves (a bound is inclusive), beyond the last one, and zero.
    const seconds = i % 10 === 0 ? [0.0001, 0.001, 0.025, 1][i % 4] : i % 17 === 0 ? 3 + random() : i % 23 === 0 ? 0 : random() ** 4;
    observations.push([operation, seconds]);
    metrics.storeOperation(operation).observe(seconds);
  }
  assert.equal(await metrics.registry.getSingleMetricAsString(STORE_METRIC), await reference(metrics, STORE_METRIC, 'operation', observations));

  // The same through Metrics.request, whose counter is added to on each scrape, never twice.
  metrics.request('list', 200, 0, 0.004);
  metrics.request('list', 200, 0, 0.0025);
  metrics.request('batch_open', 400, 99991663, 0.2);
  const first = await metrics.registry.metrics();
  assert.match(first, /sysstatus_requests_total\{api="list",status="200",code="0"\} 2\n/);
  assert.equal(await metrics.registry.getSingleMetricAsString(LATENCY_METRIC), await reference(metrics, LATENCY_METRIC, 'api', [['list', 0.004], ['list', 0.0025], ['batch_open', 0.2]]));
  metrics.request('list', 200, 0, 0.001);
  metrics.request('token', 200, null, 0.001);
  const second = await metrics.registry.metrics();
  assert.match(second, /sysstatus_requests_total\{api="list",status="200",code="0"\} 3\n/);
  assert.match(second, /sysstatus_requests_total\{api="batch_open",status="400",code="99991663"\} 1\n/);
  assert.match(second, /sysstatus_requests_total\{api="token",status="200",code=""\} 1\n/);
  assert.match(second, /sysstatus_request_duration_seconds_count\{api="list"\} 3\n/);

  metrics.registry.resetMetrics();
  assert.doesNotMatch(await metrics.registry.metrics(), /api="list"/);
});
