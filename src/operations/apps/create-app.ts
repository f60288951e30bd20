import { conflict } from '../../emulator/control-error.js';
import type { AppRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { refuseDuplicate } from '../refuse-duplicate.js';
import { lockTenant } from '../tenants/require-tenant.js';
import { type AppSpec, checkContactScope, newApp } from './new-app.js';
import { requireApp } from './require-app.js';

/** app_id and app_secret left out are made at random; answers the stored app and its secret. */
export async function createApp(
  services: Services,
  tenantKey: string,
  spec: Omit<AppSpec, 'app_id' | 'app_secret'> & { app_id?: string; app_secret?: string },
): Promise<{ app: AppRecord; secret: string }> {
  const appId = spec.app_id ?? services.ids.appId();
  const secret = spec.app_secret ?? services.ids.appSecret();
  const app = await services.store.transaction(async (tx) => {
    await lockTenant(tx, tenantKey);
    if (await tx.getApp(appId)) throw conflict(`app ${appId} already exists`);
    await checkContactScope(tx, tenantKey, spec.contact_scope);
    const { app: row, contactScope } = newApp(tenantKey, { ...spec, app_id: appId, app_secret: secret }, services.clock.now());
    await refuseDuplicate(`app ${appId}`, () => tx.insertApp(row, contactScope));
    return requireApp(tx, appId);
  });
  // A miss is never cached, so nothing to forget: the new app is found on its first use.
  return { app, secret };
}
