// The emulator's state beside the store: journal, fault rules, events, expiry timers, secrets
// seen, and the start state that reset returns to. Built once per server by the composition root.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { Services, StatusChangeEvent } from '../operations/context.js';
import { EventHub } from './event-hub.js';
import { ExpiryScheduler } from './expiry-scheduler.js';
import { FaultRules } from './faults.js';
import { Journal } from './journal.js';
import { Metrics } from './metrics.js';
import { SecretVault } from './secret-vault.js';
import { type KeepablePart, type ResetHook, ResetHooks } from './reset-hooks.js';
import { StartState } from './start-state.js';

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
  keep?: readonly KeepablePart[];
}

export class Emulator {
  readonly services: Services;
  readonly mode: Config['mode'];
  readonly journal: Journal;
  readonly faults = new FaultRules();
  readonly events = new EventHub();
  readonly metrics: Metrics;
  readonly secrets: SecretVault;
  readonly expiry: ExpiryScheduler;
  /** Production mode has no reset, so it keeps no copy of the whole store. */
  private resettable = false;
  private readonly resets = new ResetHooks();
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
      const start = await StartState.record(emulator.services);
      // The clock first: the state restored after it is judged on the clock it returns to.
      emulator.onReset(start.clockHook);
      emulator.onReset(emulator.expiry.resetHook);
      emulator.onReset(start.storeHook);
      emulator.onReset(emulator.journal.resetHook);
      emulator.onReset(emulator.faults.resetHook);
      emulator.onReset(emulator.events.resetHook);
      emulator.resettable = true;
    }
    emulator.services.events.on('change', emulator.onChange);
    emulator.expiry.start();
    return emulator;
  }

  /** LocalStack-style hooks around reset, for parts that keep their own state (see reset-hooks.ts). */
  onReset(hook: ResetHook): void {
    this.resets.register(hook);
  }

  /**
   * Back to the start state without a restart: every registered part resets (the stored data
   * as it was after seeding, an empty journal, no fault rules, the clock as it started, no event
   * history), except the parts `keep` names.
   */
  async reset(options: ResetOptions = {}): Promise<void> {
    if (!this.resettable) throw new Error('reset is off in production mode');
    await this.resets.run(new Set(options.keep ?? []));
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
