// The platform surface under /open-apis: the system status APIs, the contact reads and the token
// endpoints, each behind the platform's own checks, answering errors in the platform's formats.
import type { preValidationHookHandler } from 'fastify';
import type { Services } from '../../operations/context.js';
import { gatewayNotFound, platformErrorHandler, tokenErrorHandler } from '../errors/platform-errors.js';
import { describeOnly } from '../serializer-compiler.js';
import type { PlatformRateLimiter } from '../rate-limiter.js';
import type { App } from '../types.js';
import { accessTokenRoutes } from './auth/access-token-routes.js';
import { contactUserRoutes } from './contact/user-routes.js';
import { gatewayHook, tenantPermissionHook } from './gateway-hooks.js';
import { systemStatusRoutes } from './system-statuses/routes.js';

export interface PlatformSurfaceOptions {
  services: Services;
  bodyLimit: number;
  limiter?: PlatformRateLimiter;
  /** The emulator's fault rules (preValidation), absent in production mode. */
  faults?: preValidationHookHandler;
}

export async function platformSurface(platform: App, { services, bodyLimit, limiter, faults }: PlatformSurfaceOptions) {
  platform.setNotFoundHandler(gatewayNotFound);
  platform.setErrorHandler(platformErrorHandler(bodyLimit));

  await platform.register(async (statuses) => {
    statuses.addHook('onRequest', gatewayHook(services, limiter));
    if (faults) statuses.addHook('preValidation', faults);
    statuses.addHook('preValidation', tenantPermissionHook);
    await systemStatusRoutes(statuses, services);
  });

  // contact/v3 reads: the same gateway, without personal_settings' tenant permission (2005007).
  await platform.register(async (contact) => {
    contact.setSerializerCompiler(describeOnly);
    contact.addHook('onRequest', gatewayHook(services, limiter));
    if (faults) contact.addHook('preValidation', faults);
    await contactUserRoutes(contact, services);
  });

  await platform.register(async (auth) => {
    auth.setSerializerCompiler(describeOnly);
    auth.setErrorHandler(tokenErrorHandler(bodyLimit));
    if (faults) auth.addHook('preValidation', faults);
    await accessTokenRoutes(auth, services);
  });
}
