import type { Config } from '../../config.js';
import { metricsGuard } from '../../emulator/admin-guard.js';
import type { Metrics } from '../../emulator/metrics.js';
import type { App } from '../types.js';

/** Prometheus' text exposition of the server's metrics. */
export async function metricsRoutes(app: App, metrics: Metrics, config: Pick<Config, 'mode' | 'admin_token'>) {
  app.get('/metrics', { onRequest: metricsGuard(config), schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
