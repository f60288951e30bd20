// The OpenAPI document of every route (platform and control), built from the TypeBox route
// schemas, and a Swagger UI that serves its own assets (works offline).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { App } from '../http/types.js';

export const DOCS_PREFIX = '/_sysstatus/docs';

/** Must be registered before any route, so that every route is collected. */
export async function registerOpenApi(app: App, version: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sysstatus',
        version,
        description:
          'The Feishu / Lark system status API (paths under /open-apis, wire-compatible with the platform) and the emulator controls (under /_sysstatus).',
      },
      tags: [
        { name: 'auth', description: 'Platform: access tokens' },
        { name: 'system_status', description: 'Platform: personal_settings/v1/system_statuses' },
        { name: 'contact', description: 'Platform: contact/v3 user reads' },
        { name: 'emulator: provisioning', description: 'Tenants, apps, users' },
        { name: 'emulator: clock', description: 'Server time' },
        { name: 'emulator: faults', description: 'Deterministic failures and delays' },
        { name: 'emulator: journal', description: 'Recorded Open API requests' },
        { name: 'emulator: state', description: 'Reset and snapshots' },
        { name: 'emulator: events', description: 'Status transitions as server-sent events' },
        { name: 'inspection', description: 'What users see' },
      ],
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'the admin token (production mode)' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } });
}
