import Type from 'typebox';
import type { Services } from '../../../operations/context.js';
import { issueToken, type TokenFailure, verifyAppCredentials } from '../../../operations/issue-token.js';
import type { App } from '../../types.js';

// Loose on purpose: a missing or mistyped field is the platform's 10003, not a schema error.
const CredentialsBody = Type.Object({
  app_id: Type.Optional(Type.Unknown()),
  app_secret: Type.Optional(Type.Unknown()),
});

/** Token endpoint failures answer HTTP 200, with the bodies the live platform sends. */
const FAILURES: Record<TokenFailure, object> = {
  invalid_param: { code: 10003, data: {}, msg: 'invalid param' },
  app_secret_invalid: { code: 10014, msg: 'app secret invalid' },
};

export async function accessTokenRoutes(app: App, services: Services) {
  const credentials = async (body: unknown) => {
    const { app_id, app_secret } = (body ?? {}) as { app_id?: unknown; app_secret?: unknown };
    return { result: await verifyAppCredentials(services, app_id, app_secret), secret: app_secret as string };
  };

  app.post(
    '/open-apis/auth/v3/tenant_access_token/internal',
    { schema: { tags: ['auth'], operationId: 'tenant_access_token_internal', body: Type.Optional(CredentialsBody) } },
    async (request) => {
      const { result, secret } = await credentials(request.body);
      if (typeof result === 'string') return FAILURES[result];
      const { token, expire } = await issueToken(services, result, secret, 'tenant');
      return { code: 0, msg: 'ok', tenant_access_token: token, expire };
    },
  );

  app.post(
    '/open-apis/auth/v3/app_access_token/internal',
    { schema: { tags: ['auth'], operationId: 'app_access_token_internal', body: Type.Optional(CredentialsBody) } },
    async (request) => {
      const { result, secret } = await credentials(request.body);
      if (typeof result === 'string') return FAILURES[result];
      const appToken = await issueToken(services, result, secret, 'app');
      const tenantToken = await issueToken(services, result, secret, 'tenant');
      return {
        code: 0,
        msg: 'ok',
        app_access_token: appToken.token,
        expire: appToken.expire,
        tenant_access_token: tenantToken.token,
      };
    },
  );
}
