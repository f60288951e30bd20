// What reset returns to: the stored state and the clock as they were when the emulator started.
import { deserialize, serialize } from 'node:v8';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ClockState } from '../clock.js';
import type { Services } from '../operations/context.js';
import type { ResetHook } from './reset-hooks.js';
import { exportSnapshot, importSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-schema.js';

export class StartState {
  private constructor(
    private readonly services: Services,
    /**
     * Kept serialized and deflated, off the JS heap: as objects, a 1M-user tenant's start state
     * was a second copy of the live state (about 290 MiB); read back only by a reset.
     */
    private readonly packed: Buffer,
    private readonly clock: ClockState,
  ) {}

  static async record(services: Services): Promise<StartState> {
    const packed = deflateRawSync(serialize(await exportSnapshot(services)), { level: 1 });
    return new StartState(services, packed, services.clock.state());
  }

  private get snapshot(): Snapshot {
    return deserialize(inflateRawSync(this.packed)) as Snapshot;
  }

  /** The clock as it started (frozen, or running with its offset). */
  readonly clockHook: ResetHook = {
    part: 'clock',
    reset: () => {
      const clock = this.services.clock;
      clock.reset();
      if (this.clock.frozen) clock.freeze(this.clock.now);
      else if (this.clock.offset_ms !== 0) clock.advance(this.clock.offset_ms);
    },
  };

  /**
   * The stored data as it was after seeding (same IDs). Access tokens still valid on the clock
   * (restored before this hook runs) whose app is back with the same secret are kept, so SDK
   * clients that cached a token keep working.
   */
  readonly storeHook: ResetHook = {
    reset: async () => {
      const { store, clock } = this.services;
      const start = this.snapshot;
      const now = clock.now();
      const digests = new Map(start.tenants.flatMap((tenant) => tenant.apps.map((app) => [app.app_id, app.app_secret_digest])));
      const startTokens = new Set(start.access_tokens.map((token) => token.token_digest));
      const liveDigests = new Map((await store.listApps()).map((app) => [app.app_id, app.app_secret_digest]));
      const kept = (await store.listAccessTokens()).filter(
        (token) =>
          token.expires_at > now &&
          digests.has(token.app_id) &&
          !startTokens.has(token.token_digest) &&
          liveDigests.get(token.app_id) === digests.get(token.app_id),
      );
      await importSnapshot(this.services, { ...start, access_tokens: [...start.access_tokens, ...kept] });
    },
  };
}
