import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, authorize, checkTenantPermission } from '../../operations/authenticate.js';
import type { Caller } from '../../operations/auth-cache.js';
import type { Services } from '../../operations/context.js';
import type { PlatformRateLimiter } from '../rate-limiter.js';

type Done = (error?: Error) => void;

/**
 * The gateway's checks, in the platform's order: token → app type and scope → rate limit.
 * Runs before the body is parsed, so a bad token wins over a bad body. A callback hook: with the
 * caller cached and no limits it finishes without a promise (a thrown error reaches Fastify).
 */
export function gatewayHook(services: Services, limiter: PlatformRateLimiter | undefined) {
  return function gateway(request: FastifyRequest, _reply: FastifyReply, done: Done) {
    const api = request.routeOptions.config.api;
    if (!api) return done();
    const pass = (caller: Caller) => {
      try {
        authorize(caller, api, (request.query as Record<string, unknown>).user_id_type);
      } catch (error) {
        return done(error as Error);
      }
      if (!limiter) {
        request.caller = caller;
        return done();
      }
      limiter.check(api, caller.app.app_id, caller.tenant.tenant_key).then(() => {
        request.caller = caller;
        done();
      }, done);
    };
    const caller = authenticate(services, request.headers.authorization);
    if (caller instanceof Promise) caller.then(pass, done);
    else pass(caller);
  };
}

/** The service's first check once the body is in: may this tenant use the API (2005007)? */
export function tenantPermissionHook(request: FastifyRequest, _reply: FastifyReply, done: Done) {
  if (request.caller) checkTenantPermission(request.caller);
  done();
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route reached without the gateway hook');
  return request.caller;
}
