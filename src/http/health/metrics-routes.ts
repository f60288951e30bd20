import type { Config } from '../../config.js';
import { metricsGuard } from '../../emulator/admin-guard.js';
import type { Metrics } from '../../emulator/metrics.js';
import Type from 'typebox';
import type { App } from '../types.js';
import { plainResponses } from './plain-responses.js';

/** Prometheus' text exposition of the server's metrics. */
export async function metricsRoutes(app: App, metrics: Metrics, config: Pick<Config, 'mode' | 'admin_token'>) {
  const schema = {
    tags: ['operations'],
    summary: 'Prometheus metrics (text exposition); production mode: the admin token',
    response: plainResponses({ 200: Type.String({ description: 'Prometheus text exposition format' }) }),
  };
  app.get('/metrics', { onRequest: metricsGuard(config), schema }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
