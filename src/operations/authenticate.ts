import type { ApiSpec } from '../domain/apis.js';
import { SCOPES } from '../domain/apis.js';
import { PlatformError } from '../domain/errors.js';
import { secretDigest } from '../domain/identifiers.js';
import type { Caller } from './auth-cache.js';
import type { Services } from './context.js';

/** The token an Authorization header carries, or the platform's 9999166x for one that carries none. */
function tenantTokenOf(authorization: string | undefined): string {
  if (!authorization?.startsWith('Bearer ')) throw new PlatformError('missing_token');
  const token = authorization.slice('Bearer '.length).trim();
  if (token === '') throw new PlatformError('missing_token');
  if (token.startsWith('u-') || token.startsWith('eyJ')) throw new PlatformError('user_token_not_supported');
  if (!token.startsWith('t-')) throw new PlatformError('malformed_token');
  return token;
}

function admit(services: Services, caller: Caller): Caller {
  // An app_access_token is not accepted where a tenant_access_token is required.
  if (caller.token.kind !== 'tenant' || caller.token.expires_at <= services.clock.now()) throw new PlatformError('invalid_tenant_token');
  return caller;
}

async function loadCaller(services: Services, digest: string): Promise<Caller> {
  const token = await services.auth.token(digest);
  const app = token && (await services.auth.app(token.app_id));
  const tenant = app && (await services.auth.tenant(app.tenant_key));
  if (!token || !app || !tenant) throw new PlatformError('invalid_tenant_token');
  return admit(services, { token, app, tenant });
}

/**
 * The gateway's token check: which app and tenant is calling, or the platform's 9999166x. Answers
 * at once when the cache holds all three rows (nearly every request), else once they are read.
 */
export function authenticate(services: Services, authorization: string | undefined): Caller | Promise<Caller> {
  const digest = secretDigest(tenantTokenOf(authorization));
  const cached = services.auth.cachedCaller(digest);
  return cached ? admit(services, cached) : loadCaller(services, digest);
}

function scopeError(appId: string, scopes: readonly string[]): PlatformError {
  const list = scopes.join(', ');
  return new PlatformError('scope_required', {
    msg:
      `Access denied. One of the following scopes is required: [${list}].` +
      `应用尚未开通所需的应用身份权限：[${list}]，点击链接申请并开通任一权限即可：` +
      `https://open.feishu.cn/app/${appId}/auth?q=${scopes.join(',')}&op_from=openapi&token_type=tenant`,
    permissionViolations: scopes.map((subject) => ({ type: 'action_scope_required', subject })),
  });
}

/** App type and scopes: only custom apps, holding one of the API's scopes (and the user ID scope for user_id). */
export function authorize(caller: Caller, api: ApiSpec, userIdType: unknown): void {
  if (!(api.app_types ?? ['custom']).includes(caller.app.type)) throw new PlatformError('app_type_not_supported');
  if (!api.scopes.some((scope) => caller.app.scopes.includes(scope))) throw scopeError(caller.app.app_id, api.scopes);
  if (userIdType === 'user_id' && !caller.app.scopes.includes(SCOPES.employee_id)) {
    throw scopeError(caller.app.app_id, [SCOPES.employee_id]);
  }
}

/** The service's own first check: is the tenant allowed to use the API at all (2005007)? */
export function checkTenantPermission(caller: Caller): void {
  if (!caller.tenant.api_permission) throw new PlatformError('tenant_no_permission');
}
