// What reset returns to: the stored state and the clock as they were when the emulator started.
import { deserialize, serialize } from 'node:v8';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ClockState } from '../clock.js';
import type { Services } from '../operations/context.js';
import type { AccessTokenRecord, SavedState } from '../store/store.js';
import type { ResetHook } from './reset-hooks.js';
import { exportSnapshot, importSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-schema.js';

/** The stored data at start: the store's own saved state where it keeps one, else a snapshot. */
type StartData =
  | { kind: 'saved'; saved: SavedState; secretDigests: Map<string, string>; tokens: Set<string> }
  /**
   * Kept serialized and deflated, off the JS heap: as objects, a 1M-user tenant's start state
   * was a second copy of the live state (about 290 MiB); read back only by a reset.
   */
  | { kind: 'snapshot'; packed: Buffer };

export class StartState {
  private constructor(
    private readonly services: Services,
    private readonly data: StartData,
    private readonly clock: ClockState,
  ) {}

  static async record(services: Services): Promise<StartState> {
    const { store } = services;
    let data: StartData;
    if (store.saveState) {
      // What the token rule below needs of the start, read before the state is saved (nothing runs in between).
      const secretDigests = new Map((await store.listApps()).map((app) => [app.app_id, app.app_secret_digest]));
      const tokens = new Set((await store.listAccessTokens()).map((token) => token.token_digest));
      data = { kind: 'saved', saved: await store.saveState(), secretDigests, tokens };
    } else {
      data = { kind: 'snapshot', packed: deflateRawSync(serialize(await exportSnapshot(services)), { level: 1 }) };
    }
    return new StartState(services, data, services.clock.state());
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
      const { data } = this;
      if (data.kind === 'saved') {
        await data.saved.restore(await this.keptTokens(data.secretDigests, data.tokens));
        this.services.auth.clear();
        await this.services.store.refreshStatistics();
        return;
      }
      const start = deserialize(inflateRawSync(data.packed)) as Snapshot;
      const digests = new Map(start.tenants.flatMap((tenant) => tenant.apps.map((app) => [app.app_id, app.app_secret_digest])));
      const kept = await this.keptTokens(digests, new Set(start.access_tokens.map((token) => token.token_digest)));
      await importSnapshot(this.services, { ...start, access_tokens: [...start.access_tokens, ...kept] });
    },
  };

  private async keptTokens(startDigests: Map<string, string>, startTokens: Set<string>): Promise<AccessTokenRecord[]> {
    const { store, clock } = this.services;
    const now = clock.now();
    const liveDigests = new Map((await store.listApps()).map((app) => [app.app_id, app.app_secret_digest]));
    return (await store.listAccessTokens()).filter(
      (token) =>
        token.expires_at > now &&
        startDigests.has(token.app_id) &&
        !startTokens.has(token.token_digest) &&
        liveDigests.get(token.app_id) === startDigests.get(token.app_id),
    );
  }
}
