// The control plane under /_sysstatus: one encapsulated plugin with its own guard, error
// handler and 404, apart from the platform surface.
import type { Config } from '../config.js';
import { controlErrorHandler } from '../http/sysstatus/control-errors.js';
import { readRoutes } from '../http/sysstatus/read-routes.js';
import type { App } from '../http/types.js';
import { adminGuard } from './admin-guard.js';
import type { Emulator } from './emulator.js';
import { DOCS_PREFIX, type OpenApi } from './openapi.js';
import { clockRoutes } from './routes/clock-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { faultRoutes } from './routes/fault-routes.js';
import { journalRoutes } from './routes/journal-routes.js';
import { provisioningRoutes } from './routes/provisioning-routes.js';
import { stateRoutes } from './routes/state-routes.js';

export const CONTROL_PREFIX = '/_sysstatus';

export async function controlPlugin(control: App, options: { emulator: Emulator; config: Pick<Config, 'mode' | 'admin_token'>; openApi: OpenApi }) {
  const { emulator, config, openApi } = options;
  control.addHook('onRequest', adminGuard(config));
  control.setErrorHandler(controlErrorHandler);
  control.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'not_found', message: `no control endpoint ${request.method} ${request.url}` }),
  );

  control.get('/', { schema: { hide: true } }, async () => ({
    mode: emulator.mode,
    docs: DOCS_PREFIX,
    openapi: `${CONTROL_PREFIX}/openapi.json`,
    clock: emulator.services.clock.state(),
  }));
  control.get('/openapi.json', { schema: { hide: true } }, async () => openApi.document());

  await readRoutes(control, emulator.services);
  await provisioningRoutes(control, emulator);
  await clockRoutes(control, emulator);
  await faultRoutes(control, emulator);
  await journalRoutes(control, emulator);
  await stateRoutes(control, emulator);
  await eventRoutes(control, emulator);
}
