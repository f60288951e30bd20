// Expiry as an event. Reads already hide an open once the clock reaches its end_time; this
// scheduler is what tells the event stream so, both when real time passes an end_time (a timer)
// and when the controlled clock is set or advanced past it (re-armed on every clock change).
import type { ClockState } from '../clock.js';
import { shownStatus } from '../domain/user-status.js';
import type { Services, StatusChangeEvent } from '../operations/context.js';
import type { EventHub } from './event-hub.js';
import { BucketQueue } from './bucket-queue.js';
import type { ResetHook } from './reset-hooks.js';

interface Pending {
  /** Unix seconds. */
  end_time: number;
  tenant_key: string;
  user_id: string;
  system_status_id: string;
}

/** The tracked end_times of one status's users. Queue entries name it, so they need no object of their own. */
interface StatusEnds {
  tenant_key: string;
  system_status_id: string;
  ends: Map<string, number>;
}

/** Tracked end_times by tenant, status and user: keyed without building a key string per open. */
class EndTimes {
  private readonly byTenant = new Map<string, Map<string, StatusEnds>>();
  size = 0;

  /** The end_times of one status's users (a batch names one status: looked up once, not per user). */
  ofStatus(tenantKey: string, statusId: string): StatusEnds {
    let statuses = this.byTenant.get(tenantKey);
    if (!statuses) this.byTenant.set(tenantKey, (statuses = new Map()));
    let status = statuses.get(statusId);
    if (!status) statuses.set(statusId, (status = { tenant_key: tenantKey, system_status_id: statusId, ends: new Map() }));
    return status;
  }

  set(status: StatusEnds, userId: string, endTime: number): void {
    const before = status.ends.size;
    status.ends.set(userId, endTime);
    this.size += status.ends.size - before;
  }

  delete(tenantKey: string, statusId: string, userId: string): void {
    const statuses = this.byTenant.get(tenantKey);
    const status = statuses?.get(statusId);
    if (!status?.ends.delete(userId)) return;
    this.size--;
    if (status.ends.size === 0) statuses!.delete(statusId);
    if (statuses!.size === 0) this.byTenant.delete(tenantKey);
  }

  *statuses(): Generator<StatusEnds> {
    for (const statuses of this.byTenant.values()) yield* statuses.values();
  }

  clear(): void {
    this.byTenant.clear();
    this.size = 0;
  }
}

/**
 * Only end_times within this many seconds of the clock are queued; later ones wait in the index of
 * end_times alone, and are queued as the clock nears them (the horizon moves on, one pass over the
 * index, when the clock reaches it). Most opens end hours to months ahead: queued at once, each
 * lived for hours in the queue, half of what a busy server promoted out of the young generation.
 */
const HORIZON_SECONDS = 3600;
/** The bound (exclusive) of what is queued with the clock at `nowSeconds`: the horizon's last second included. */
const horizonAfter = (nowSeconds: number) => nowSeconds + 1 + HORIZON_SECONDS;

/** setTimeout's largest delay; longer waits re-arm when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Opens a rebuild indexes before it lets the event loop answer requests. A 1M-user tenant has ~200k
 * opens with an end_time (0.2–0.3 s to index): the server answers while they are indexed, since
 * reads judge end_times themselves and the index only tells the event stream.
 */
const REBUILD_STEP = 16_384;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ExpiryScheduler {
  /** Waiting expiries (end_time, the status's tracked ends, user_id), in hour-wide buckets of end_time. */
  private readonly heap = new BucketQueue<StatusEnds, string>(3600);
  /** The end_time each tracked open has now; queued entries that disagree are stale. */
  private readonly current = new EndTimes();
  /** End_times before this (Unix seconds) are queued; later ones only tracked (HORIZON_SECONDS). */
  private queuedBefore = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private lastNow: number;
  private readonly unsubscribe: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly services: Services,
    private readonly hub: EventHub,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.lastNow = services.clock.now();
  }

  /**
   * Starts following changes and the clock, and indexes the stored opens behind them in the queue:
   * changes made while the index is built are followed once it is (`idle()` waits for both).
   */
  start(): void {
    const onChange = (change: StatusChangeEvent) => this.enqueue(() => this.follow(change));
    this.services.events.on('change', onChange);
    this.unsubscribe.push(() => this.services.events.off('change', onChange));
    this.unsubscribe.push(this.services.clock.onChange((state) => this.clockMoved(state)));
    void this.rebuild();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** On reset: finish with the old data (and the clock's move back) first, then index the restored data. */
  readonly resetHook: ResetHook = { reset: () => this.idle(), after: () => this.rebuild() };

  /** Resolves once every change and clock move seen so far has been processed. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Forgets everything and indexes the store again (after reset, import, or the clock moving back). */
  rebuild(): Promise<void> {
    return this.enqueue(async () => {
      this.heap.clear();
      this.current.clear();
      const nowSeconds = Math.floor(this.services.clock.now() / 1000);
      this.queuedBefore = horizonAfter(nowSeconds);
      const { store } = this.services;
      let sinceTurn = 0;
      for (const tenant of await store.listTenants()) {
        // One light read, by status. What a later step misses was changed after the read, and its
        // change waits in the queue behind this rebuild.
        for (const ends of await store.tenantOpenEnds(tenant.tenant_key, nowSeconds)) {
          for (let from = 0; from < ends.user_ids.length; ) {
            if (sinceTurn >= REBUILD_STEP) {
              await nextTurn();
              if (this.stopped) return;
              sinceTurn = 0;
            }
            const to = Math.min(ends.user_ids.length, from + REBUILD_STEP - sinceTurn);
            this.track(tenant.tenant_key, ends.user_ids, ends.system_status_id, ends.end_times, from, to);
            sinceTurn += to - from;
            from = to;
          }
        }
      }
      await this.expireDue();
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch(this.onError).then(() => this.arm());
    return this.queue;
  }

  private track(tenantKey: string, userIds: readonly string[], statusId: string, endTimes: readonly number[], from = 0, to = userIds.length): void {
    const tracked = this.current.ofStatus(tenantKey, statusId);
    for (let i = from; i < to; i++) {
      const userId = userIds[i];
      const endTime = endTimes[i];
      const known = tracked.ends.get(userId);
      if (known === endTime) continue;
      this.current.set(tracked, userId, endTime);
      // The user's earliest queued entry is at or before `known`: a later end_time needs no entry of
      // its own, that one moves on to it when it surfaces. Under re-opens this halves the pushes.
      if ((known === undefined || endTime < known) && endTime < this.queuedBefore) this.heap.push(endTime, tracked, userId);
    }
    // Superseded and closed entries are dropped when they surface; under steady re-opens they would
    // pile up until their end_times, so the heap is rebuilt from the live index before they outnumber it.
    if (this.heap.size > 2 * this.current.size + 1024) this.compact();
  }

  /** How many opens are tracked, and how many heap entries (live and superseded) wait. */
  get size(): { tracked: number; queued: number } {
    return { tracked: this.current.size, queued: this.heap.size };
  }

  private compact(): void {
    this.heap.clear();
    this.queueBetween(Number.NEGATIVE_INFINITY, this.queuedBefore);
  }

  /** Queues the tracked end_times in [from, to). */
  private queueBetween(from: number, to: number): void {
    for (const status of this.current.statuses()) {
      for (const [userId, endTime] of status.ends) if (endTime >= from && endTime < to) this.heap.push(endTime, status, userId);
    }
  }

  /** Moves the horizon past `nowSeconds`, queuing what it now covers. */
  private queueUpTo(nowSeconds: number): void {
    if (nowSeconds < this.queuedBefore) return;
    const from = this.queuedBefore;
    this.queuedBefore = horizonAfter(nowSeconds);
    this.queueBetween(from, this.queuedBefore);
  }

  private async follow(change: StatusChangeEvent): Promise<void> {
    if (change.type === 'closed') {
      for (const userId of change.user_ids) this.current.delete(change.tenant_key, change.system_status_id, userId);
      return;
    }
    // Opens name the end_times they wrote: no read (it cost as much as a tenth of the batch itself).
    this.track(change.tenant_key, change.user_ids, change.system_status_id, change.end_times);
    await this.expireDue();
  }

  private clockMoved(state: ClockState): void {
    const movedBack = state.now < this.lastNow;
    this.lastNow = state.now;
    // Moving back can make expired opens active again: index them anew (no events for that).
    if (movedBack) void this.rebuild();
    else void this.enqueue(() => this.expireDue());
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // The horizon is a wake-up too: what lies beyond it is queued when the clock reaches it.
    const next = Math.min(this.heap.peekKey() ?? Number.POSITIVE_INFINITY, this.current.size > 0 ? this.queuedBefore : Number.POSITIVE_INFINITY);
    if (this.stopped || next === Number.POSITIVE_INFINITY || this.services.clock.state().frozen) return;
    const delay = Math.max(0, next * 1000 - this.services.clock.now());
    this.timer = setTimeout(() => void this.enqueue(() => this.expireDue()), Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Publishes every expiry the clock has reached, in end_time order. */
  private async expireDue(): Promise<void> {
    const now = this.services.clock.now();
    this.lastNow = Math.max(this.lastNow, now);
    this.queueUpTo(Math.floor(now / 1000));
    while (this.heap.size > 0 && this.heap.peekKey()! * 1000 <= now) {
      const endTime = this.heap.peekKey()!;
      const due: Pending[] = [];
      while (this.heap.size > 0 && this.heap.peekKey() === endTime) {
        const { first: status, second: userId } = this.heap.pop()!;
        const tracked = status.ends.get(userId);
        if (tracked !== endTime) {
          // Re-opened until later: due then (queued once the horizon covers it). Closed, or re-opened
          // until sooner (queued anew): not due.
          if (tracked !== undefined && tracked > endTime && tracked < this.queuedBefore) this.heap.push(tracked, status, userId);
          continue;
        }
        this.current.delete(status.tenant_key, status.system_status_id, userId);
        due.push({ end_time: endTime, tenant_key: status.tenant_key, user_id: userId, system_status_id: status.system_status_id });
      }
      await this.publishExpiries(endTime, due);
    }
  }

  private async publishExpiries(endTime: number, due: Pending[]): Promise<void> {
    const byUser = new Map<string, Pending[]>();
    for (const item of due) {
      const key = `${item.tenant_key}\0${item.user_id}`;
      const list = byUser.get(key);
      if (list) list.push(item);
      else byUser.set(key, [item]);
    }
    const expired = new Map<string, { tenant_key: string; system_status_id: string; user_ids: string[] }>();
    const display: { tenant_key: string; user_id: string; before?: string; after?: string }[] = [];
    for (const items of byUser.values()) {
      const { tenant_key, user_id } = items[0];
      const opens = (await this.services.store.userOpens(tenant_key, [user_id])).get(user_id) ?? [];
      // Only opens still stored with this end_time expire now (closed or re-opened ones moved on).
      const real = items.filter((item) =>
        opens.some((open) => open.system_status_id === item.system_status_id && open.end_time === endTime),
      );
      if (real.length === 0) continue;
      for (const item of real) {
        const key = `${tenant_key}\0${item.system_status_id}`;
        const group = expired.get(key);
        if (group) group.user_ids.push(user_id);
        else expired.set(key, { tenant_key, system_status_id: item.system_status_id, user_ids: [user_id] });
      }
      const before = shownStatus(opens, endTime - 1)?.system_status_id;
      const after = shownStatus(opens, endTime)?.system_status_id;
      if (before !== after) display.push({ tenant_key, user_id, before, after });
    }
    const at = endTime * 1000;
    for (const group of expired.values()) this.hub.publish({ type: 'expired', ...group, at });
    for (const change of display) this.hub.publishShownChanges(change.tenant_key, [change], at);
  }
}
