// The control plane under /_sysstatus: one encapsulated plugin with its own guard, error
// handler and 404, apart from the platform surface. Everything under the prefix (the API docs
// and the console included) is registered here, so nothing there escapes the guard.
import type { Config } from '../config.js';
import { consolePlugin } from '../console/console-plugin.js';
import { controlErrorHandler, controlNotFound } from '../http/errors/control-errors.js';
import { CONTROL_PREFIX } from '../http/prefixes.js';
import { readRoutes } from '../http/sysstatus/read-routes.js';
import { describeOnly } from '../http/serializer-compiler.js';
import type { App } from '../http/types.js';
import { adminGuard } from './admin-guard.js';
import { controlResponses } from './control-responses.js';
import type { Emulator } from './emulator.js';
import { DOCS_PREFIX, type OpenApi } from './openapi.js';
import { clockRoutes } from './routes/clock-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { faultRoutes } from './routes/fault-routes.js';
import { journalRoutes } from './routes/journal-routes.js';
import { provisioningRoutes } from './routes/provisioning-routes.js';
import { stateRoutes } from './routes/state-routes.js';

export { CONTROL_PREFIX } from '../http/prefixes.js';

export async function controlPlugin(
  control: App,
  options: { emulator: Emulator; config: Pick<Config, 'mode' | 'admin_token' | 'body_limit'>; openApi: OpenApi },
) {
  const { emulator, config, openApi } = options;
  control.addHook('onRequest', adminGuard(config));
  control.setErrorHandler(controlErrorHandler(config.body_limit));
  control.setNotFoundHandler(controlNotFound);
  control.setSerializerCompiler(describeOnly);
  // Every answer is described in one table (src/emulator/control-responses.ts), which the OpenAPI
  // document reads; a route missing from it stops the start. The schemas stay out of the routes
  // themselves: the surface serialises with JSON.stringify, so Fastify would process them for nothing.
  control.addHook('onRoute', (route) => void controlResponses([route.method].flat()[0], route.url.slice(CONTROL_PREFIX.length) || '/'));

  control.get('/', { schema: { hide: true } }, async () => ({
    mode: emulator.mode,
    docs: DOCS_PREFIX,
    openapi: `${CONTROL_PREFIX}/openapi.json`,
    clock: emulator.services.clock.state(),
  }));
  control.get('/openapi.json', { schema: { hide: true } }, async () => openApi.document());
  openApi.routes(control);

  await readRoutes(control, emulator.services);
  await provisioningRoutes(control, emulator);
  await clockRoutes(control, emulator);
  await faultRoutes(control, emulator);
  await journalRoutes(control, emulator);
  await stateRoutes(control, emulator);
  await eventRoutes(control, emulator);

  await control.register(consolePlugin, { prefix: '/console', bodyLimit: config.body_limit });
}
