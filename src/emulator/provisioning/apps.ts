// Apps of a tenant: create, change scopes and contact scope, delete; and console tokens.
import { randomBytes } from 'node:crypto';
import Type, { type Static } from 'typebox';
import { SCOPES } from '../../domain/apis.js';
import { secretDigest } from '../../domain/identifiers.js';
import type { Services } from '../../operations/context.js';
import { TOKEN_REUSE_MIN_REMAINING_MS } from '../../operations/issue-token.js';
import type { ContactScope } from '../../store/store.js';
import { badRequest, conflict, notFound } from '../control-error.js';
import type { SecretVault } from '../secret-vault.js';
import { appView } from '../views.js';
import { ControlApp, requireTenant } from './tenants.js';

export const ContactScopeSchema = Type.Union([Type.Literal('all'), Type.Array(Type.String({ minLength: 1 }))]);

export async function requireApp(services: Services, appId: string) {
  const app = await services.store.getApp(appId);
  if (!app) throw notFound(`app ${appId}`);
  return app;
}

async function checkContactScope(services: Services, tenantKey: string, scope: ContactScope | undefined) {
  if (scope === undefined || scope === 'all') return;
  for (const userId of new Set(scope)) {
    if (!(await services.store.getUser(tenantKey, userId))) throw badRequest(`contact_scope names ${userId}, who is not a user of tenant ${tenantKey}`);
  }
}

export async function createApp(services: Services, vault: SecretVault, tenantKey: string, body: ControlApp) {
  await requireTenant(services, tenantKey);
  const appId = body.app_id ?? services.ids.appId();
  if (await services.store.getApp(appId)) throw conflict(`app ${appId} already exists`);
  await checkContactScope(services, tenantKey, body.contact_scope);
  const secret = body.app_secret ?? services.ids.appSecret();
  await services.store.transaction((tx) =>
    tx.insertApp(
      {
        app_id: appId,
        tenant_key: tenantKey,
        name: body.name ?? appId,
        app_secret_digest: secretDigest(secret),
        type: body.type ?? 'custom',
        developer: body.developer ?? tenantKey,
        scopes: body.scopes ?? [SCOPES.system_status_update, SCOPES.system_status_operate],
        created_at: services.clock.now(),
      },
      body.contact_scope ?? 'all',
    ),
  );
  vault.remember(appId, secret);
  services.auth.clear();
  // The one answer that carries the secret in production mode.
  return appView(services.store, (await services.store.getApp(appId))!, secret);
}

export const PatchAppBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.Optional(Type.Array(Type.String())),
    contact_scope: Type.Optional(ContactScopeSchema),
  },
  { additionalProperties: false },
);

export async function patchApp(services: Services, vault: SecretVault, appId: string, changes: Static<typeof PatchAppBody>) {
  const app = await requireApp(services, appId);
  await checkContactScope(services, app.tenant_key, changes.contact_scope);
  await services.store.transaction(async (tx) => {
    await tx.updateApp(appId, { name: changes.name, scopes: changes.scopes });
    if (changes.contact_scope !== undefined) await tx.setAppContactScope(appId, changes.contact_scope);
  });
  services.auth.clear();
  const updated = (await services.store.getApp(appId))!;
  return appView(services.store, updated, vault.reveal(appId, updated.app_secret_digest));
}

export async function deleteApp(services: Services, vault: SecretVault, appId: string) {
  await requireApp(services, appId);
  await services.store.transaction((tx) => tx.deleteApp(appId));
  vault.forget(appId);
  services.auth.clear();
}

/**
 * Console tokens live just under 30 minutes, so the platform's reuse rule (hand out the same
 * token while 30 minutes or more remain) never returns one of them to the app's own clients,
 * whose tokens are derived from the app secret.
 */
export const CONSOLE_TOKEN_LIFETIME_MS = TOKEN_REUSE_MIN_REMAINING_MS - 1000;

/** A tenant_access_token for the app, minted without its secret (emulator mode only). */
export async function mintConsoleToken(services: Services, appId: string) {
  const app = await requireApp(services, appId);
  const now = services.clock.now();
  const token = `t-${randomBytes(20).toString('hex')}`;
  await services.store.insertAccessToken({
    token_digest: secretDigest(token),
    kind: 'tenant',
    app_id: app.app_id,
    tenant_key: app.tenant_key,
    nonce: services.ids.nonce(),
    issued_at: now,
    expires_at: now + CONSOLE_TOKEN_LIFETIME_MS,
  });
  return { tenant_access_token: token, expire: CONSOLE_TOKEN_LIFETIME_MS / 1000 };
}
