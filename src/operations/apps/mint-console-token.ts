import { randomBytes } from 'node:crypto';
import { secretDigest } from '../../domain/identifiers.js';
import type { Services } from '../context.js';
import { TOKEN_REUSE_MIN_REMAINING_MS } from '../issue-token.js';
import { requireApp } from './require-app.js';

/**
 * Console tokens live just under 30 minutes, so the platform's reuse rule (hand out the same
 * token while 30 minutes or more remain) never returns one of them to the app's own clients,
 * whose tokens are derived from the app secret.
 */
export const CONSOLE_TOKEN_LIFETIME_MS = TOKEN_REUSE_MIN_REMAINING_MS - 1000;

/** A tenant_access_token for the app, minted without its secret (emulator mode only). */
export async function mintConsoleToken(services: Services, appId: string) {
  const token = `t-${randomBytes(20).toString('hex')}`;
  await services.store.transaction(async (tx) => {
    const app = await requireApp(tx, appId);
    const now = services.clock.now();
    await tx.insertAccessToken({
      token_digest: secretDigest(token),
      kind: 'tenant',
      app_id: app.app_id,
      tenant_key: app.tenant_key,
      nonce: services.ids.nonce(),
      issued_at: now,
      expires_at: now + CONSOLE_TOKEN_LIFETIME_MS,
    });
  });
  return { tenant_access_token: token, expire: CONSOLE_TOKEN_LIFETIME_MS / 1000 };
}
