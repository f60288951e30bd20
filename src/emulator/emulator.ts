// The emulator's state beside the store: journal, fault rules, events, expiry timers, secrets
// seen, and the start state that reset returns to. Built once per server by the composition root.
import type { FastifyBaseLogger } from 'fastify';
import type { ClockState } from '../clock.js';
import type { Config } from '../config.js';
import type { Services, StatusChangeEvent } from '../operations/context.js';
import { EventHub } from './event-hub.js';
import { ExpiryScheduler } from './expiry-scheduler.js';
import { FaultRules } from './faults.js';
import { Journal } from './journal.js';
import { Metrics } from './metrics.js';
import { SecretVault } from './secret-vault.js';
import { exportSnapshot, importSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot-schema.js';

export interface EmulatorOptions {
  services: Services;
  config: Pick<Config, 'mode' | 'journal_limit'>;
  metrics?: Metrics;
  /** Secrets the seed gave (app_id → secret), shown by the console in emulator mode. */
  secrets?: Iterable<readonly [string, string]>;
  log?: FastifyBaseLogger;
}

export interface ResetOptions {
  /** Keep what is named here instead of returning it to the start. */
  keep?: readonly ('journal' | 'faults' | 'clock' | 'events')[];
}

type ResetHook = () => Promise<void> | void;

export class Emulator {
  readonly services: Services;
  readonly mode: Config['mode'];
  readonly journal: Journal;
  readonly faults = new FaultRules();
  readonly events = new EventHub();
  readonly metrics: Metrics;
  readonly secrets: SecretVault;
  readonly expiry: ExpiryScheduler;
  /** What reset returns to; production mode has no reset, so it keeps no copy of the whole store. */
  private start: { snapshot: Snapshot; clock: ClockState } | undefined;
  private readonly beforeReset: ResetHook[] = [];
  private readonly afterReset: ResetHook[] = [];
  private readonly onChange = (change: StatusChangeEvent) => this.events.publishChange(change);

  private constructor(options: EmulatorOptions) {
    this.services = options.services;
    this.mode = options.config.mode;
    this.journal = new Journal(options.config.journal_limit);
    this.metrics = options.metrics ?? new Metrics({ processMetrics: false });
    this.secrets = new SecretVault(this.mode === 'emulator');
    for (const [appId, secret] of options.secrets ?? []) this.secrets.remember(appId, secret);
    const log = options.log;
    this.expiry = new ExpiryScheduler(this.services, this.events, (error) => log?.error({ err: error }, 'expiry processing failed'));
  }

  /** Records the current state as the one reset returns to, and starts following changes. */
  static async create(options: EmulatorOptions): Promise<Emulator> {
    const emulator = new Emulator(options);
    if (emulator.mode === 'emulator') {
      emulator.start = { snapshot: await exportSnapshot(emulator.services), clock: emulator.services.clock.state() };
    }
    emulator.services.events.on('change', emulator.onChange);
    await emulator.expiry.start();
    return emulator;
  }

  /** LocalStack-style hooks around reset, for parts that keep their own state. */
  onReset(hooks: { before?: ResetHook; after?: ResetHook }): void {
    if (hooks.before) this.beforeReset.push(hooks.before);
    if (hooks.after) this.afterReset.push(hooks.after);
  }

  /**
   * Back to the start state without a restart: the stored data as it was after seeding (same
   * IDs), an empty journal, no fault rules, the clock as it started, no event history. Access
   * tokens that are still valid and whose app still exists with the same secret are kept, so
   * SDK clients that cached a token keep working.
   */
  async reset(options: ResetOptions = {}): Promise<void> {
    if (!this.start) throw new Error('reset is off in production mode');
    const start = this.start;
    const keep = new Set(options.keep ?? []);
    for (const hook of this.beforeReset) await hook();
    if (!keep.has('clock')) {
      const clock = this.services.clock;
      clock.reset();
      if (start.clock.frozen) clock.freeze(start.clock.now);
      else if (start.clock.offset_ms !== 0) clock.advance(start.clock.offset_ms);
      // Let the expiry scheduler finish with the old data before it is replaced.
      await this.expiry.idle();
    }
    // Tokens are judged by the clock after the reset: one that expired by a moved clock is valid again.
    const now = this.services.clock.now();
    const digests = new Map(start.snapshot.tenants.flatMap((tenant) => tenant.apps.map((app) => [app.app_id, app.app_secret_digest])));
    const startTokens = new Set(start.snapshot.access_tokens.map((token) => token.token_digest));
    const kept = (await this.services.store.listAccessTokens()).filter(
      (token) => token.expires_at > now && digests.has(token.app_id) && !startTokens.has(token.token_digest),
    );
    const liveDigests = new Map((await this.services.store.listApps()).map((app) => [app.app_id, app.app_secret_digest]));
    const sameSecret = kept.filter((token) => liveDigests.get(token.app_id) === digests.get(token.app_id));
    await importSnapshot(this.services, {
      ...start.snapshot,
      access_tokens: [...start.snapshot.access_tokens, ...sameSecret],
    });
    if (!keep.has('journal')) this.journal.clear();
    if (!keep.has('faults')) this.faults.clear();
    if (!keep.has('events')) this.events.clear();
    await this.expiry.rebuild();
    for (const hook of this.afterReset) await hook();
  }

  /** After an import: the expiry index follows the new data. */
  async imported(): Promise<void> {
    await this.expiry.rebuild();
  }

  close(): void {
    this.services.events.off('change', this.onChange);
    this.expiry.stop();
  }
}
