import { notFound } from '../../emulator/control-error.js';
import type { StoreReader, UserRecord } from '../../store/store.js';

export async function requireUser(reader: StoreReader, tenantKey: string, userId: string): Promise<UserRecord> {
  const user = await reader.getUser(tenantKey, userId);
  if (!user) throw notFound(`user ${userId} of tenant ${tenantKey}`);
  return user;
}
