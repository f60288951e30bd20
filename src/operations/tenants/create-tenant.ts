import { asBadRequest } from '../../emulator/control-error.js';
import type { SeedTenant } from '../../seed/seed-schema.js';
import type { Services } from '../context.js';
import { type ProvisionedTenant, provisionTenantIn } from '../provisioning.js';

/** A seed tenant whose tenant_key, app_ids and app_secrets may be left out. */
export type NewTenantSpec = Omit<SeedTenant, 'apps'> & {
  apps?: (Omit<NonNullable<SeedTenant['apps']>[number], 'app_secret'> & { app_secret?: string })[];
};

/**
 * One call, one complete isolated tenant: keys left out are made at random, so parallel tests
 * never collide. The tenant and its apps must be new; the whole tenant is one transaction.
 */
export async function createTenant(services: Services, spec: NewTenantSpec): Promise<ProvisionedTenant> {
  const tenant = {
    ...spec,
    tenant_key: spec.tenant_key ?? services.ids.tenantKey(),
    apps: (spec.apps ?? []).map((app) => ({
      ...app,
      app_id: app.app_id ?? services.ids.appId(),
      app_secret: app.app_secret ?? services.ids.appSecret(),
    })),
  };
  // A mistake in the fragment (a user listed twice, a status the rules refuse) is the caller's: 400.
  return asBadRequest(services.store.transaction((tx) => provisionTenantIn(services, tx, tenant, { mustBeNew: true })));
}
