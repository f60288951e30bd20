import { secretDigest } from '../domain/identifiers.js';

/**
 * App secrets the emulator has seen (from the seed or from a create call), kept in process memory
 * only so the console can show them. Never written anywhere; off in production mode, where a
 * secret is shown exactly once, in the answer that creates it.
 */
export class SecretVault {
  private readonly secrets = new Map<string, string>();

  constructor(private readonly enabled: boolean) {}

  remember(appId: string, secret: string): void {
    if (this.enabled) this.secrets.set(appId, secret);
  }

  /** The secret, if known and still the app's (its digest matches what the store holds). */
  reveal(appId: string, digest: string): string | undefined {
    const secret = this.secrets.get(appId);
    return secret !== undefined && secretDigest(secret) === digest ? secret : undefined;
  }

  forget(appId: string): void {
    this.secrets.delete(appId);
  }
}
