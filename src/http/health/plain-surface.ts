// The operators' surface at the root: health probes and metrics, with plain-text errors (a load
// balancer or a scraper reads the status; nothing reads an envelope). Unknown paths at the root
// stay the gateway's 404 (the root app's own handler).
import type { Config } from '../../config.js';
import type { Metrics } from '../../emulator/metrics.js';
import { plainErrorHandler } from '../errors/plain-errors.js';
import { describeOnly } from '../serializer-compiler.js';
import type { App } from '../types.js';
import { healthRoutes, type ReadinessCheck } from './health-routes.js';
import { metricsRoutes } from './metrics-routes.js';

export interface PlainSurfaceOptions {
  config: Pick<Config, 'mode' | 'admin_token' | 'body_limit'>;
  metrics: Metrics;
  readinessChecks: Record<string, ReadinessCheck>;
}

export async function plainSurface(app: App, { config, metrics, readinessChecks }: PlainSurfaceOptions) {
  app.setErrorHandler(plainErrorHandler(config.body_limit));
  app.setSerializerCompiler(describeOnly);
  await healthRoutes(app, readinessChecks);
  await metricsRoutes(app, metrics, config);
}
