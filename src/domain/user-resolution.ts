/** How one ID of a batch request resolved against the caller's tenant and app. */
export type ResolvedUser =
  | { kind: 'invalid' }
  | { kind: 'other_tenant' }
  | { kind: 'user'; user_id: string; resigned: boolean; visible: boolean };

export type UserRejection = 'invalid_user_id' | 'invisible_user_id' | 'resign_user_id';

/**
 * Per-user refusals, in this order: unknown → invalid; outside the app's contact scope →
 * invisible (before resigned, so an app learns nothing of users it cannot see); resigned.
 */
export function userRejection(resolved: ResolvedUser): UserRejection | undefined {
  if (resolved.kind === 'invalid') return 'invalid_user_id';
  if (resolved.kind === 'other_tenant') return undefined;
  if (!resolved.visible) return 'invisible_user_id';
  if (resolved.resigned) return 'resign_user_id';
  return undefined;
}
