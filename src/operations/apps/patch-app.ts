import type { AppRecord, ContactScope } from '../../store/store.js';
import type { Services } from '../context.js';
import { checkContactScope } from './new-app.js';
import { requireApp } from './require-app.js';

export interface AppChanges {
  name?: string;
  scopes?: string[];
  contact_scope?: ContactScope;
}

export async function patchApp(services: Services, appId: string, changes: AppChanges): Promise<AppRecord> {
  const app = await services.store.transaction(async (tx) => {
    const found = await requireApp(tx, appId);
    await checkContactScope(tx, found.tenant_key, changes.contact_scope);
    await tx.updateApp(appId, { name: changes.name, scopes: changes.scopes });
    if (changes.contact_scope !== undefined) await tx.setAppContactScope(appId, changes.contact_scope);
    return requireApp(tx, appId);
  });
  services.auth.forgetApp(appId);
  return app;
}
