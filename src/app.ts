// buildApp: the one composition root of the HTTP server. It never listens; the CLI does.
import Fastify, { type FastifyReply, type FastifyServerOptions, LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { consolePlugin } from './console/console-plugin.js';
import { CONTROL_PREFIX, controlPlugin } from './emulator/control-plugin.js';
import { Emulator } from './emulator/emulator.js';
import './emulator/fastify-types.js';
import { registerOpenApi } from './emulator/openapi.js';
import { packageVersion } from './emulator/package-version.js';
import { faultHook, journalHooks } from './emulator/request-hooks.js';
import { ERRORS } from './domain/errors.js';
import { healthRoutes, type ReadinessCheck } from './http/health/health-routes.js';
import { accessTokenRoutes } from './http/open-apis/auth/access-token-routes.js';
import { contactUserRoutes } from './http/open-apis/contact/user-routes.js';
import { gatewayHook, tenantPermissionHook } from './http/open-apis/gateway-hooks.js';
import { systemStatusRoutes } from './http/open-apis/system-statuses/routes.js';
import { PlatformRateLimiter } from './http/rate-limiter.js';
import { errorHandler, toPlatformError } from './http/render-error.js';
import { frameworkErrors } from './http/framework-errors.js';
import type { Socket } from 'node:net';
import { clientErrorHandler, trackEarlyAnswers } from './http/client-errors.js';
import { validatorCompiler } from './http/validator-compiler.js';
import type { App } from './http/types.js';
import type { Services } from './operations/context.js';

export interface AppOptions {
  config: Readonly<Config>;
  services: Services;
  /** Omitted: limits in memory when config.rate_limits is on. */
  limiter?: PlatformRateLimiter;
  logger?: FastifyServerOptions['logger'];
  /** Omitted: one is made from the state the store holds now (what reset returns to). */
  emulator?: Emulator;
  /** Checks /readyz runs besides the database's (e.g. Redis when the limits live there). */
  readinessChecks?: Record<string, ReadinessCheck>;
}

// A path parameter may be as long as a URL can be, so that a long id is "not found" (2005001)
// after the token check, like any other unknown id, and not a router error before it.
const ROUTER_OPTIONS = { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 65_536 };

export async function buildApp({ config, services, limiter, logger = false, emulator: given, readinessChecks = {} }: AppOptions): Promise<App> {
  const answeredEarly = new WeakSet<Socket>();
  const app = Fastify({
    logger,
    bodyLimit: config.body_limit,
    genReqId: () => services.ids.logId(),
    logController: new LogController({ requestIdLogLabel: 'log_id', disableRequestLogging: true }),
    routerOptions: ROUTER_OPTIONS,
    frameworkErrors,
    // Idle and header timeouts keep slow clients from holding sockets forever: a request (headers
    // and body) must arrive within request_timeout_ms, its headers within headers_timeout_ms; Node
    // checks both every tenth of the shorter one. Refusals answer in the envelope (client-errors.ts).
    connectionTimeout: 0,
    keepAliveTimeout: 72_000,
    requestTimeout: config.request_timeout_ms,
    http: {
      headersTimeout: config.headers_timeout_ms,
      connectionsCheckingInterval: Math.max(10, Math.min(config.headers_timeout_ms, config.request_timeout_ms) / 10),
    },
    clientErrorHandler: clientErrorHandler(services.ids, answeredEarly),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);

  const emulator = given ?? (await Emulator.create({ services, config, log: app.log }));
  app.decorate('emulator', emulator);
  app.addHook('onClose', async () => emulator.close());
  // Before any route, so the document lists them all.
  const openApi = registerOpenApi(app, packageVersion(), ROUTER_OPTIONS);

  // The SDKs send "{}" on GET and DELETE; curl users send nothing with a JSON content type. Both are fine.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Tt-Logid', request.id);
  });
  const earlyAnswers = trackEarlyAnswers(answeredEarly);
  app.addHook('onRequest', earlyAnswers.onRequest);
  app.addHook('onResponse', earlyAnswers.onResponse);

  // Journal, metrics and the per-request log line of every /open-apis request (404s included).
  const journal = journalHooks(services, emulator.journal, emulator.metrics);
  app.addHook('onRequest', journal.onRequest);
  app.addHook('onSend', journal.onSend);
  app.addHook('onResponse', journal.onResponse);
  const faults = config.mode === 'emulator' ? faultHook(emulator.faults, emulator.metrics) : undefined;

  // Unknown paths and methods answer as the live gateway does: plain text.
  const gatewayNotFound = (reply: FastifyReply) => reply.code(404).type('text/plain; charset=utf-8').send('404 page not found');
  app.setNotFoundHandler((_request, reply) => gatewayNotFound(reply));
  // Outside the plugins only unmatched requests run, and Fastify may fail them while reading a body
  // it will never use (an unparseable Content-Type): they are still just an unknown path or method.
  app.setErrorHandler((_error, _request, reply) => gatewayNotFound(reply));

  const rateLimiter = limiter ?? (config.rate_limits ? new PlatformRateLimiter() : undefined);

  await app.register(async (platform) => {
    platform.setErrorHandler(errorHandler(config.body_limit));
    platform.addHook('onRequest', gatewayHook(services, rateLimiter));
    if (faults) platform.addHook('preValidation', faults);
    platform.addHook('preValidation', tenantPermissionHook);
    await systemStatusRoutes(platform, services);
  });

  await app.register(async (auth) => {
    // Whatever goes wrong with a token request, the platform answers HTTP 200 and 10003.
    auth.setErrorHandler((error, request, reply) => {
      if (((error as { statusCode?: number }).statusCode ?? 500) >= 500) request.log.error({ err: error }, 'token request failed');
      // Except when the database is down: 10003 would tell the caller its credentials are wrong.
      if (toPlatformError(error as Error, config.body_limit).spec === ERRORS.unavailable) {
        return reply.code(503).send({ code: ERRORS.unavailable.code, msg: ERRORS.unavailable.msg });
      }
      return reply.code(200).send({ code: 10003, data: {}, msg: 'invalid param' });
    });
    if (faults) auth.addHook('preValidation', faults);
    await accessTokenRoutes(auth, services);
  });

  // contact/v3 reads: the same gateway, without personal_settings' tenant permission (2005007).
  await app.register(async (contact) => {
    contact.setErrorHandler(errorHandler(config.body_limit));
    contact.addHook('onRequest', gatewayHook(services, rateLimiter));
    if (faults) contact.addHook('preValidation', faults);
    await contactUserRoutes(contact, services);
  });

  await app.register(async (health) => healthRoutes(health, { database: () => services.store.ping(), ...readinessChecks }));

  await app.register(controlPlugin, { prefix: CONTROL_PREFIX, emulator, config, openApi });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(emulator.metrics.registry.contentType).send(await emulator.metrics.registry.metrics()),
  );

  await app.register(consolePlugin, { prefix: '/_sysstatus/console' });

  return app;
}
