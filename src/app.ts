// buildApp: the one composition root of the HTTP server. It never listens; the CLI does.
import Fastify, { type FastifyReply, type FastifyServerOptions, LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from './config.js';
import { accessTokenRoutes } from './http/open-apis/auth/access-token-routes.js';
import { gatewayHook, tenantPermissionHook } from './http/open-apis/gateway-hooks.js';
import { systemStatusRoutes } from './http/open-apis/system-statuses/routes.js';
import { PlatformRateLimiter } from './http/rate-limiter.js';
import { errorHandler } from './http/render-error.js';
import { frameworkErrors } from './http/framework-errors.js';
import type { Socket } from 'node:net';
import { clientErrorHandler, trackEarlyAnswers } from './http/client-errors.js';
import { validatorCompiler } from './http/validator-compiler.js';
import { controlErrorHandler } from './http/sysstatus/control-errors.js';
import { readRoutes } from './http/sysstatus/read-routes.js';
import type { App } from './http/types.js';
import type { Services } from './operations/context.js';

export interface AppOptions {
  config: Readonly<Config>;
  services: Services;
  /** Omitted: limits in memory when config.rate_limits is on. */
  limiter?: PlatformRateLimiter;
  logger?: FastifyServerOptions['logger'];
}

export async function buildApp({ config, services, limiter, logger = false }: AppOptions): Promise<App> {
  const answeredEarly = new WeakSet<Socket>();
  const app = Fastify({
    logger,
    bodyLimit: config.body_limit,
    genReqId: () => services.ids.logId(),
    logController: new LogController({ requestIdLogLabel: 'log_id', disableRequestLogging: true }),
    // A path parameter may be as long as a URL can be, so that a long id is "not found" (2005001)
    // after the token check, like any other unknown id, and not a router error before it.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 65_536 },
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
    platform.addHook('preValidation', tenantPermissionHook);
    await systemStatusRoutes(platform, services);
  });

  await app.register(async (auth) => {
    // Whatever goes wrong with a token request, the platform answers HTTP 200 and 10003.
    auth.setErrorHandler((error, request, reply) => {
      if (((error as { statusCode?: number }).statusCode ?? 500) >= 500) request.log.error({ err: error }, 'token request failed');
      return reply.code(200).send({ code: 10003, data: {}, msg: 'invalid param' });
    });
    await accessTokenRoutes(auth, services);
  });

  await app.register(
    async (control) => {
      control.setErrorHandler(controlErrorHandler);
      control.setNotFoundHandler((request, reply) =>
        reply.code(404).send({ code: 'not_found', message: `no control endpoint ${request.method} ${request.url}` }),
      );
      await readRoutes(control, services);
    },
    { prefix: '/_sysstatus' },
  );

  return app;
}
