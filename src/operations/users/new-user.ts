import type { UserRecord } from '../../store/store.js';

export interface UserSpec {
  user_id: string;
  name?: string;
  resigned?: boolean;
}

/** The one place that says what a user is when its creator leaves something out. */
export const newUser = (tenantKey: string, spec: UserSpec, now: number): UserRecord => ({
  tenant_key: tenantKey,
  user_id: spec.user_id,
  name: spec.name ?? spec.user_id,
  resigned: spec.resigned ?? false,
  created_at: now,
});
