// The one place that says what an app is when its creator leaves something out.
import { SCOPES } from '../../domain/apis.js';
import type { AppType } from '../../domain/enums.js';
import { secretDigest } from '../../domain/identifiers.js';
import { badRequest } from '../../emulator/control-error.js';
import type { AppRecord, ContactScope, StoreReader } from '../../store/store.js';

export interface AppSpec {
  app_id: string;
  app_secret: string;
  name?: string;
  type?: AppType;
  developer?: string;
  scopes?: string[];
  contact_scope?: ContactScope;
}

/** The row to insert and its contact scope, defaults filled in. */
export function newApp(tenantKey: string, spec: AppSpec, now: number): { app: Omit<AppRecord, 'contact_scope_all'>; contactScope: ContactScope } {
  return {
    app: {
      app_id: spec.app_id,
      tenant_key: tenantKey,
      name: spec.name ?? spec.app_id,
      app_secret_digest: secretDigest(spec.app_secret),
      type: spec.type ?? 'custom',
      developer: spec.developer ?? tenantKey,
      scopes: spec.scopes ?? [SCOPES.system_status_update, SCOPES.system_status_operate],
      created_at: now,
    },
    contactScope: spec.contact_scope ?? 'all',
  };
}

/** A contact scope may name only users of the app's tenant. */
export async function checkContactScope(reader: StoreReader, tenantKey: string, scope: ContactScope | undefined): Promise<void> {
  if (scope === undefined || scope === 'all') return;
  for (const userId of new Set(scope)) {
    if (!(await reader.getUser(tenantKey, userId))) throw badRequest(`contact_scope names ${userId}, who is not a user of tenant ${tenantKey}`);
  }
}
