// buildApp: the one composition root of the HTTP server. It never listens; the CLI does.
import Fastify, { type FastifyServerOptions, LogController, type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Socket } from 'node:net';
import type { Config } from './config.js';
import { controlPlugin } from './emulator/control-plugin.js';
import { Emulator } from './emulator/emulator.js';
import './emulator/fastify-types.js';
import { registerOpenApi } from './emulator/openapi.js';
import { packageVersion } from './emulator/package-version.js';
import { faultHook, journalHooks } from './emulator/request-hooks.js';
import { clientErrorHandler, trackEarlyAnswers } from './http/errors/client-errors.js';
import { frameworkErrors } from './http/errors/framework-errors.js';
import { platformErrorHandler, gatewayNotFound } from './http/errors/platform-errors.js';
import type { ReadinessCheck } from './http/health/health-routes.js';
import { plainSurface } from './http/health/plain-surface.js';
import { platformSurface } from './http/open-apis/platform-surface.js';
import { CONTROL_PREFIX, PLATFORM_PREFIX } from './http/prefixes.js';
import { PlatformRateLimiter } from './http/rate-limiter.js';
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
  /** Told of every route as it is registered (tests walk them all). */
  onRoute?: (route: RouteOptions) => void;
}

const BLANK = /^\s*$/;

// A path parameter may be as long as a URL can be, so that a long id is "not found" (2005001)
// after the token check, like any other unknown id, and not a router error before it.
const ROUTER_OPTIONS = { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 65_536 };

export async function buildApp({ config, services, limiter, logger = false, emulator: given, readinessChecks = {}, onRoute }: AppOptions): Promise<App> {
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
  if (onRoute) app.addHook('onRoute', onRoute);

  const emulator = given ?? (await Emulator.create({ services, config, log: app.log }));
  app.decorate('emulator', emulator);
  app.addHook('onClose', async () => emulator.close());
  // Before any route, so the document lists them all.
  const openApi = registerOpenApi(app, packageVersion(), ROUTER_OPTIONS);

  // Journal, metrics and the per-request log line of every /open-apis request (404s included).
  const journal = journalHooks(services, emulator.journal, emulator.metrics);

  // The SDKs send "{}" on GET and DELETE; curl users send nothing with a JSON content type. Both are fine.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (BLANK.test(text)) return done(null, undefined);
    journal.noteBody(request, text);
    parseJson(request, text, done);
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Tt-Logid', request.id);
    done();
  });
  const earlyAnswers = trackEarlyAnswers(answeredEarly);
  app.addHook('onRequest', earlyAnswers.onRequest);
  app.addHook('onResponse', earlyAnswers.onResponse);

  app.decorateRequest('journalTrace', null);
  app.addHook('onRequest', journal.onRequest);
  app.addHook('onSend', journal.onSend);
  app.addHook('onResponse', journal.onResponse);
  const faults = config.mode === 'emulator' ? faultHook(emulator.faults, emulator.metrics) : undefined;

  // Outside every surface only unknown paths run: the gateway's 404, as under /open-apis.
  app.setNotFoundHandler(gatewayNotFound);
  app.setErrorHandler(platformErrorHandler(config.body_limit));

  const rateLimiter = limiter ?? (config.rate_limits ? new PlatformRateLimiter() : undefined);

  // The three surfaces, each an encapsulated plugin with its own error renderer (and 404).
  await app.register(platformSurface, { prefix: PLATFORM_PREFIX, services, bodyLimit: config.body_limit, limiter: rateLimiter, faults });
  await app.register(controlPlugin, { prefix: CONTROL_PREFIX, emulator, config, openApi });
  await app.register(plainSurface, { config, metrics: emulator.metrics, readinessChecks: { database: () => services.store.ping(), ...readinessChecks } });

  return app;
}
