// The OpenAPI document of every route (platform and control), built from the TypeBox route
// schemas, and a Swagger UI that serves its own assets (works offline), under the control
// surface (so behind its guard).
//
// Both are built on first use, in a Fastify instance of their own that is told the same routes:
// @fastify/swagger, @fastify/swagger-ui and what they load (yaml, @fastify/static, …) would
// otherwise cost every start about a tenth of its time, for pages most starts never open. The
// server only records its routes at start and forwards the UI's paths to that instance.
import type {} from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { CONTROL_PREFIX } from '../http/prefixes.js';
import type { App } from '../http/types.js';
import { routeAnswers } from './route-answers.js';

/** The Swagger UI, inside the control surface. */
const DOCS_PATH = '/docs';
export const DOCS_PREFIX = `${CONTROL_PREFIX}${DOCS_PATH}`;

/**
 * The routes @fastify/swagger-ui has under its prefix with our options, so that any other path
 * there stays the server's own 404, as when the plugin was registered on the server. HEAD is
 * Fastify's from the GET answer, except on the assets, where @fastify/static answers it itself.
 */
const UI_PAGES = ['', '/json', '/yaml', '/static/index.html', '/static/swagger-initializer.js'];
const UI_ASSETS = '/static/*';

/** Headers of the docs instance's answer that belong to its own (never opened) connection. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);
/** Set by the docs instance on answers the server must give itself (not found, or failed). */
const MISSED = 'x-sysstatus-docs-missed';

export type OpenApiDocument = ReturnType<FastifyInstance['swagger']>;

export interface OpenApi {
  /** The document of every route the server has (call after it is ready). */
  document(): Promise<OpenApiDocument>;
  /** Registers the Swagger UI's paths on the control surface. */
  routes(control: App): void;
}

/** Must be called on the root app before any route, so that every route is collected. */
export function registerOpenApi(app: App, version: string, routerOptions: FastifyServerOptions['routerOptions']): OpenApi {
  const routes: RouteOptions[] = [];
  let docs: Promise<FastifyInstance> | undefined;

  const forward = async (request: FastifyRequest, reply: FastifyReply, method: 'GET' | 'HEAD') => {
    const ui = await (docs ??= buildDocs(routes, version, routerOptions));
    const answer = await ui.inject({ method, url: request.url, headers: request.headers });
    if (answer.headers[MISSED] === 'not-found') return reply.callNotFound();
    if (answer.headers[MISSED]) throw new Error(`the API docs failed on ${request.url}`);
    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_HEADERS.has(name) && value !== undefined) reply.header(name, value);
    return reply.code(answer.statusCode).send(answer.rawPayload.length > 0 ? answer.rawPayload : undefined);
  };

  const page = (request: FastifyRequest, reply: FastifyReply) => forward(request, reply, 'GET');
  const asset = (request: FastifyRequest, reply: FastifyReply) => forward(request, reply, request.method as 'GET' | 'HEAD');

  // What @fastify/swagger would collect, less HEAD routes: the docs instance adds those itself.
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD' && route.handler !== page && route.handler !== asset) routes.push(route);
  });
  app.addHook('onClose', async () => {
    if (docs) await (await docs).close();
  });

  return {
    document: async () => (await (docs ??= buildDocs(routes, version, routerOptions))).swagger(),
    routes(control) {
      for (const path of UI_PAGES) control.get(`${DOCS_PATH}${path}`, { schema: { hide: true } }, page);
      control.route({ method: ['GET', 'HEAD'], url: `${DOCS_PATH}${UI_ASSETS}`, schema: { hide: true }, handler: asset });
    },
  };
}

async function buildDocs(routes: readonly RouteOptions[], version: string, routerOptions: FastifyServerOptions['routerOptions']): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
  const docs = Fastify({ logger: false, ...(routerOptions ? { routerOptions } : {}) });
  // The routes are only described here, never run: nothing to validate or serialise.
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  docs.setNotFoundHandler((_request, reply) => reply.code(404).header(MISSED, 'not-found').send());
  docs.setErrorHandler((_error, _request, reply) => reply.code(500).header(MISSED, 'failed').send());
  await docs.register(swagger, {
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
        { name: 'operations', description: 'Health probes and metrics' },
      ],
      components: { securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'the admin token (production mode)' } } },
    },
  });
  await docs.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } });
  for (const route of routes) {
    const schema = { ...route.schema, response: routeAnswers(route) };
    docs.route({ method: route.method, url: route.url, schema, ...(route.config ? { config: route.config } : {}), handler: async () => undefined });
  }
  await docs.ready();
  return docs;
}
