import type { FastifyInstance, FastifyBaseLogger, RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiSpec } from '../domain/apis.js';
import type { Caller } from '../operations/auth-cache.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the platform's API routes: drives auth, scopes, limits, logs and the journal. */
    api?: ApiSpec;
    /** A control-surface route anyone may fetch in every mode (the console's page and files only). */
    public?: true;
  }
  interface FastifyRequest {
    /** The authenticated app and tenant, once the gateway hooks have run. */
    caller?: Caller;
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
