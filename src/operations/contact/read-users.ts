// contact/v3 user reads: the look-ups apps make to resolve IDs before calling batch_open.
// A subset of the user object (docs/compatibility.md): IDs, name, status.
import { SCOPES } from '../../domain/apis.js';
import type { UserIdType } from '../../domain/enums.js';
import { PlatformError } from '../../domain/errors.js';
import { deriveOpenId, deriveUnionId } from '../../domain/identifiers.js';
import type { AppRecord, UserRecord } from '../../store/store.js';
import type { Services } from '../context.js';

export const MAX_BATCH_USER_IDS = 50;

/** Field scopes that let an app see a user's name (the base-info field scope, or a whole-contact scope). */
const NAME_SCOPES: readonly string[] = [SCOPES.user_base, SCOPES.contact_access_as_app, SCOPES.contact_readonly, SCOPES.contact_readonly_as_app];

export interface ContactUser {
  union_id: string;
  user_id?: string;
  open_id: string;
  name?: string;
  status: { is_frozen: boolean; is_resigned: boolean; is_activated: boolean; is_exited: boolean; is_unjoin: boolean };
}

export function contactUser(app: AppRecord, user: Pick<UserRecord, 'user_id' | 'name' | 'resigned'>): ContactUser {
  return {
    union_id: deriveUnionId(app.developer, app.tenant_key, user.user_id),
    ...(app.scopes.includes(SCOPES.employee_id) ? { user_id: user.user_id } : {}),
    open_id: deriveOpenId(app.app_id, app.tenant_key, user.user_id),
    ...(NAME_SCOPES.some((scope) => app.scopes.includes(scope)) ? { name: user.name } : {}),
    status: { is_frozen: false, is_resigned: user.resigned, is_activated: !user.resigned, is_exited: false, is_unjoin: false },
  };
}

export function parseUserIdType(value: unknown): UserIdType {
  if (value === undefined || value === '') return 'open_id';
  if (value === 'open_id' || value === 'union_id' || value === 'user_id') return value;
  throw new PlatformError('contact_field_validation', {
    fieldViolations: [{ field: 'user_id_type', value: String(value), description: 'must be one of open_id, union_id, user_id' }],
  });
}

/** One user as the app sees it; unknown → 99992360, another app's or tenant's ID → 9999236x, outside the contact scope → 41050. */
export async function getContactUser(services: Services, app: AppRecord, userIdType: UserIdType, id: string): Promise<ContactUser> {
  const resolved = (await services.store.resolveUserIds(app, userIdType, [id])).get(id);
  if (!resolved || resolved.kind === 'invalid') throw new PlatformError('contact_user_not_found');
  if (resolved.kind === 'other_tenant') {
    throw new PlatformError(userIdType === 'union_id' ? 'contact_union_id_cross_tenant' : 'contact_open_id_cross_app');
  }
  if (!resolved.visible) throw new PlatformError('contact_no_user_authority');
  const user = await services.store.getUser(app.tenant_key, resolved.user_id);
  if (!user) throw new PlatformError('contact_user_not_found');
  return contactUser(app, user);
}

/**
 * Up to 50 users in the order asked, each once. IDs the app cannot see (unknown, another
 * tenant's, outside its contact scope) are left out of items, as the platform documents.
 */
export async function batchContactUsers(services: Services, app: AppRecord, userIdType: UserIdType, ids: readonly string[]): Promise<ContactUser[]> {
  if (ids.length === 0 || ids.length > MAX_BATCH_USER_IDS) {
    throw new PlatformError('contact_field_validation', {
      fieldViolations: [{ field: 'user_ids', value: String(ids.length), description: `between 1 and ${MAX_BATCH_USER_IDS} IDs` }],
    });
  }
  const resolved = await services.store.resolveUserIds(app, userIdType, ids);
  const items: ContactUser[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    const found = resolved.get(id);
    if (!found || found.kind !== 'user' || !found.visible || seen.has(found.user_id)) continue;
    seen.add(found.user_id);
    const user = await services.store.getUser(app.tenant_key, found.user_id);
    if (user) items.push(contactUser(app, user));
  }
  return items;
}
