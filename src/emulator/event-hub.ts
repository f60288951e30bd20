// The per-tenant stream of status transitions the console watches and tests drain. A bounded
// history per tenant lets a reconnecting client resume after the last id it saw.
import { EventEmitter } from 'node:events';
import type { ShownChange } from '../domain/batch-open.js';
import type { StatusChangeEvent } from '../operations/context.js';
import type { ResetHook } from './reset-hooks.js';
import type { DisplayEvent, EmulatorEvent, StatusEvent } from './event-types.js';

export { EVENT_TYPES } from './event-types.js';
export type { DisplayEvent, EmulatorEvent, EventType, StatusEvent } from './event-types.js';

type NewEvent = Omit<StatusEvent, 'id'> | Omit<DisplayEvent, 'id'>;

/**
 * What one publish kept: a committed change, with the ids of the events it stands for (the change
 * event, then hidden/shown per user), or one event. A 50-user batch stands for about 30 events:
 * kept as objects, each was promoted out of the young generation under load and collected there;
 * most are never read, so they are made when read.
 */
interface Kept {
  first: number;
  count: number;
  change: Omit<StatusChangeEvent, 'end_times'> | undefined;
  event: EmulatorEvent | undefined;
}

interface TenantHistory {
  kept: Kept[];
  /** Events the kept entries stand for. */
  events: number;
}

const displayEventsOf = (changes: readonly ShownChange[]) => {
  let count = 0;
  for (const change of changes) count += (change.before ? 1 : 0) + (change.after ? 1 : 0);
  return count;
};

/** The events a kept entry stands for, ids in order, the same on every read. */
function eventsOf(kept: Kept): EmulatorEvent[] {
  if (kept.event) return [kept.event];
  const change = kept.change!;
  const { tenant_key, system_status_id, at } = change;
  let id = kept.first;
  const events: EmulatorEvent[] = [{ type: change.type, tenant_key, system_status_id, user_ids: [...change.user_ids], at, id: id++ }];
  // hidden before shown, so a client applying events in order never shows two statuses.
  for (const shown of change.shown_changes) {
    if (shown.before) events.push({ type: 'hidden', tenant_key, system_status_id: shown.before, user_id: shown.user_id, at, id: id++ });
    if (shown.after) events.push({ type: 'shown', tenant_key, system_status_id: shown.after, user_id: shown.user_id, at, id: id++ });
  }
  return events;
}

export class EventHub {
  private readonly emitter = new EventEmitter();
  private readonly history = new Map<string, TenantHistory>();
  private lastId = 0;

  constructor(private readonly historyLimit = 1000) {
    this.emitter.setMaxListeners(0);
  }

  private keep(tenantKey: string, kept: Kept): void {
    let history = this.history.get(tenantKey);
    if (!history) this.history.set(tenantKey, (history = { kept: [], events: 0 }));
    history.kept.push(kept);
    history.events += kept.count;
    // Trimmed a historyLimit at a time, not at every publish (a splice moves the whole list).
    if (history.events < 2 * this.historyLimit) return;
    let drop = 0;
    while (drop < history.kept.length && history.events - history.kept[drop].count >= this.historyLimit) history.events -= history.kept[drop++].count;
    history.kept.splice(0, drop);
  }

  private emit(kept: Kept, tenantKey: string): void {
    if (this.emitter.listenerCount(tenantKey) === 0) return;
    for (const event of eventsOf(kept)) this.emitter.emit(tenantKey, event);
  }

  publish(event: NewEvent): EmulatorEvent {
    const full = { ...event, id: ++this.lastId } as EmulatorEvent;
    const kept: Kept = { first: full.id, count: 1, change: undefined, event: full };
    this.keep(event.tenant_key, kept);
    this.emit(kept, event.tenant_key);
    return full;
  }

  /** hidden before shown, so a client applying events in order never shows two statuses. */
  publishShownChanges(tenantKey: string, changes: readonly ShownChange[], at: number): void {
    for (const change of changes) {
      if (change.before) this.publish({ type: 'hidden', tenant_key: tenantKey, system_status_id: change.before, user_id: change.user_id, at });
      if (change.after) this.publish({ type: 'shown', tenant_key: tenantKey, system_status_id: change.after, user_id: change.user_id, at });
    }
  }

  /**
   * A committed change and what it did to displays, its arrays kept as they are (operations never
   * modify a change they emitted); without its end_times, the expiry index's and no event's, which
   * would otherwise outlive the young generation with it.
   */
  publishChange(change: StatusChangeEvent): void {
    const count = 1 + displayEventsOf(change.shown_changes);
    const { type, tenant_key, system_status_id, user_ids, shown_changes, at } = change;
    const kept: Kept = { first: this.lastId + 1, count, change: { type, tenant_key, system_status_id, user_ids, shown_changes, at }, event: undefined };
    this.lastId += count;
    this.keep(change.tenant_key, kept);
    this.emit(kept, change.tenant_key);
  }

  /** The tenant's kept events with an id above `afterId` (of the newest historyLimit), oldest first. */
  since(tenantKey: string, afterId = 0): EmulatorEvent[] {
    const kept = this.history.get(tenantKey)?.kept ?? [];
    // Only the entries that can hold a wanted event are expanded.
    let from = kept.length;
    for (let events = 0; from > 0 && events < this.historyLimit; ) {
      const entry = kept[from - 1];
      if (entry.first + entry.count - 1 <= afterId) break;
      events += entry.count;
      from--;
    }
    const events = kept.slice(from).flatMap(eventsOf);
    return events.slice(Math.max(0, events.length - this.historyLimit)).filter((event) => event.id > afterId);
  }

  subscribe(tenantKey: string, listener: (event: EmulatorEvent) => void): () => void {
    this.emitter.on(tenantKey, listener);
    return () => this.emitter.off(tenantKey, listener);
  }

  /** Reset empties it unless kept. */
  readonly resetHook: ResetHook = { part: 'events', reset: () => this.clear() };

  clear(): void {
    this.history.clear();
  }
}
