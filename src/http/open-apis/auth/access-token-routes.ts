import Type from 'typebox';
import { type ErrorName, PlatformError } from '../../../domain/errors.js';
import { TOKEN_APIS } from '../../../emulator/api-ids.js';
import type { Services } from '../../../operations/context.js';
import { issueToken, type TokenFailure, verifyAppCredentials } from '../../../operations/issue-token.js';
import { platformPath } from '../../prefixes.js';
import type { App } from '../../types.js';

// Loose on purpose: a missing or mistyped field is the platform's 10003, not a schema error.
const CredentialsBody = Type.Object({
  app_id: Type.Optional(Type.Unknown()),
  app_secret: Type.Optional(Type.Unknown()),
});

/** Token endpoint failures: HTTP 200 with the live platform's bodies (rendered by tokenErrorHandler). */
const FAILURES: Record<TokenFailure, ErrorName> = {
  invalid_param: 'token_invalid_param',
  app_secret_invalid: 'token_app_secret_invalid',
};

/** Failures: HTTP 200 too (10003 with an empty data between code and msg), or 503 / 99991504. */
const TokenFailure = Type.Object({ code: Type.Integer(), data: Type.Optional(Type.Object({})), msg: Type.String() });
const answers = <T extends Type.TSchema>(issued: T) => ({ 200: Type.Union([issued, TokenFailure]), '4xx': TokenFailure, '5xx': TokenFailure });

const TenantTokenReply = Type.Object({ code: Type.Literal(0), msg: Type.String(), tenant_access_token: Type.String(), expire: Type.Integer() });
const AppTokenReply = Type.Object({
  code: Type.Literal(0),
  msg: Type.String(),
  app_access_token: Type.String(),
  expire: Type.Integer(),
  tenant_access_token: Type.String(),
});

export async function accessTokenRoutes(app: App, services: Services) {
  const credentials = async (body: unknown) => {
    const { app_id, app_secret } = (body ?? {}) as { app_id?: unknown; app_secret?: unknown };
    return { result: await verifyAppCredentials(services, app_id, app_secret), secret: app_secret as string };
  };

  app.post(
    platformPath(TOKEN_APIS.tenant_access_token),
    {
      schema: { tags: ['auth'], operationId: 'tenant_access_token_internal', body: Type.Optional(CredentialsBody), response: answers(TenantTokenReply) },
    },
    async (request) => {
      const { result, secret } = await credentials(request.body);
      if (typeof result === 'string') throw new PlatformError(FAILURES[result]);
      const { token, expire } = await issueToken(services, result, secret, 'tenant');
      return { code: 0, msg: 'ok', tenant_access_token: token, expire };
    },
  );

  app.post(
    platformPath(TOKEN_APIS.app_access_token),
    {
      schema: { tags: ['auth'], operationId: 'app_access_token_internal', body: Type.Optional(CredentialsBody), response: answers(AppTokenReply) },
    },
    async (request) => {
      const { result, secret } = await credentials(request.body);
      if (typeof result === 'string') throw new PlatformError(FAILURES[result]);
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
