import type { FastifyRequest } from 'fastify';
import { authenticate, authorize, checkTenantPermission } from '../../operations/authenticate.js';
import type { Caller } from '../../operations/auth-cache.js';
import type { Services } from '../../operations/context.js';
import type { PlatformRateLimiter } from '../rate-limiter.js';

/**
 * The gateway's checks, in the platform's order: token → app type and scope → rate limit.
 * Runs before the body is parsed, so a bad token wins over a bad body.
 */
export function gatewayHook(services: Services, limiter: PlatformRateLimiter | undefined) {
  return async function gateway(request: FastifyRequest) {
    const api = request.routeOptions.config.api;
    if (!api) return;
    const caller = await authenticate(services, request.headers.authorization);
    authorize(caller, api, (request.query as Record<string, unknown>).user_id_type);
    if (limiter) await limiter.check(api, caller.app.app_id, caller.tenant.tenant_key);
    request.caller = caller;
  };
}

/** The service's first check once the body is in: may this tenant use the API (2005007)? */
export async function tenantPermissionHook(request: FastifyRequest) {
  if (request.caller) checkTenantPermission(request.caller);
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route reached without the gateway hook');
  return request.caller;
}
