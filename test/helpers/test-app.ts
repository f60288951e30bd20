import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig, type Config } from '../../src/config.js';
import type { App } from '../../src/http/types.js';
import type { Services } from '../../src/operations/context.js';
import { applySeed } from '../../src/operations/provisioning.js';
import type { SeedFile } from '../../src/seed/seed-schema.js';
import { createServices } from '../../src/services.js';
import { TEST_SEED } from './test-seed.js';
import { createTestStore, type TestEngine } from './test-store.js';

/** 2026-01-01T00:00:00Z: tests run on a frozen clock unless they say otherwise. */
export const T0 = Date.UTC(2026, 0, 1);

export interface TestApp {
  app: App;
  services: Services;
  clock: ControlledClock;
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  /** A tenant_access_token for the app. */
  token(appId: string, appSecret: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    engine?: TestEngine;
    seed?: SeedFile;
    config?: Partial<Config>;
    frozenAt?: number | false;
    /** Wall time of the clock (Date.now when absent), for tests that let time run. */
    wall?: () => number;
    /** More options of buildApp (a logger, a route listener). */
    app?: Pick<AppOptions, 'logger' | 'onRoute'>;
  } = {},
): Promise<TestApp> {
  const store = await createTestStore(options.engine);
  const clock = new ControlledClock(options.wall);
  if (options.frozenAt !== false) clock.freeze(options.frozenAt ?? T0);
  const config = makeConfig({ rate_limits: false, ...options.config });
  const services = createServices(store, config, clock);
  await applySeed(services, options.seed ?? TEST_SEED);
  const app = await buildApp({ config, services, ...options.app });
  const request: TestApp['request'] = ({ token, headers, ...rest }) =>
    app.inject({ ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  return {
    app,
    services,
    clock,
    request,
    async token(appId, appSecret) {
      const response = await request({
        method: 'POST',
        url: '/open-apis/auth/v3/tenant_access_token/internal',
        payload: { app_id: appId, app_secret: appSecret },
      });
      const body = response.json();
      if (body.code !== 0) throw new Error(`no token for ${appId}: ${response.body}`);
      return body.tenant_access_token;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

// Expected IDs are pinned values, never the production derivation (which a change would follow).
export { openIdOf, unionIdOf } from './known-ids.js';

export const STATUSES_URL = '/open-apis/personal_settings/v1/system_statuses';
