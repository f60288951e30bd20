import { conflict } from '../../emulator/control-error.js';
import type { UserRecord } from '../../store/store.js';
import type { Services } from '../context.js';
import { refuseDuplicate } from '../refuse-duplicate.js';
import { lockTenant } from '../tenants/require-tenant.js';
import { newUser, type UserSpec } from './new-user.js';

export async function createUser(services: Services, tenantKey: string, spec: UserSpec): Promise<UserRecord> {
  const what = `user ${spec.user_id} of tenant ${tenantKey}`;
  return services.store.transaction(async (tx) => {
    await lockTenant(tx, tenantKey);
    if (await tx.getUser(tenantKey, spec.user_id)) throw conflict(`${what} already exists`);
    const user = newUser(tenantKey, spec, services.clock.now());
    await refuseDuplicate(what, () => tx.insertUsers([user]));
    return user;
  });
}
