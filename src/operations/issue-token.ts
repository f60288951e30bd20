import { timingSafeEqual } from 'node:crypto';
import { deriveAccessToken, secretDigest, tokenNonce } from '../domain/identifiers.js';
import type { AppRecord, TokenKind } from '../store/store.js';
import type { Services } from './context.js';

export const TOKEN_LIFETIME_MS = 7200_000;
/** A token with at least this much left is handed out again; with less, a new one is minted. */
export const TOKEN_REUSE_MIN_REMAINING_MS = 1800_000;

/**
 * Expired tokens stay stored this long (clock time) before they are purged: moving the clock back,
 * or a reset that restores it, within that time finds them valid again, as it finds opens.
 */
export const TOKEN_PURGE_AFTER_MS = 7 * 86_400_000;

export type TokenFailure = 'invalid_param' | 'app_secret_invalid';

export interface IssuedToken {
  token: string;
  /** Whole seconds left, counting down when a token is reused. */
  expire: number;
}

export function secretMatches(secret: string, digest: string): boolean {
  const given = Buffer.from(secretDigest(secret), 'hex');
  const stored = Buffer.from(digest, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** Checks app_id and app_secret as the auth/v3 internal endpoints do. */
export async function verifyAppCredentials(
  services: Services,
  appId: unknown,
  appSecret: unknown,
): Promise<AppRecord | TokenFailure> {
  if (typeof appId !== 'string' || typeof appSecret !== 'string' || appId === '' || appSecret === '') {
    return 'invalid_param';
  }
  const app = await services.store.getApp(appId);
  if (!app) return 'invalid_param';
  return secretMatches(appSecret, app.app_secret_digest) ? app : 'app_secret_invalid';
}

/** The platform's reuse rule: the same token while 30 minutes or more remain, else a new one. */
export async function issueToken(
  services: Services,
  app: AppRecord,
  appSecret: string,
  kind: TokenKind,
): Promise<IssuedToken> {
  const now = services.clock.now();
  // Only a token issued by now is current: after the clock moved back, one issued "later" would
  // claim more than a token's whole life (and a reset restores the clock).
  const current = await services.store.latestAccessToken(app.app_id, kind, now + TOKEN_REUSE_MIN_REMAINING_MS - 1, now);
  if (current) {
    return {
      token: deriveAccessToken(appSecret, current.nonce),
      // A snapshot may hold tokens of any length: what is answered never exceeds a token's life.
      expire: Math.floor(Math.min(current.expires_at - now, TOKEN_LIFETIME_MS) / 1000),
    };
  }
  const nonce = tokenNonce(services.ids.nonce());
  const token = deriveAccessToken(appSecret, nonce);
  await services.store.insertAccessToken({
    token_digest: secretDigest(token),
    kind,
    app_id: app.app_id,
    tenant_key: app.tenant_key,
    nonce,
    issued_at: now,
    expires_at: now + TOKEN_LIFETIME_MS,
  });
  await services.store.deleteExpiredAccessTokens(now - TOKEN_PURGE_AFTER_MS);
  return { token, expire: TOKEN_LIFETIME_MS / 1000 };
}
