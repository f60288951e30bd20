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

export class EventHub {
  private readonly emitter = new EventEmitter();
  private readonly history = new Map<string, EmulatorEvent[]>();
  private lastId = 0;

  constructor(private readonly historyLimit = 1000) {
    this.emitter.setMaxListeners(0);
  }

  publish(event: NewEvent): EmulatorEvent {
    const full = { ...event, id: ++this.lastId } as EmulatorEvent;
    let list = this.history.get(event.tenant_key);
    if (!list) this.history.set(event.tenant_key, (list = []));
    list.push(full);
    // Trimmed a historyLimit at a time, not one event per publish (a splice moves the whole list).
    if (list.length >= 2 * this.historyLimit) list.splice(0, list.length - this.historyLimit);
    this.emitter.emit(event.tenant_key, full);
    return full;
  }

  /** hidden before shown, so a client applying events in order never shows two statuses. */
  publishShownChanges(tenantKey: string, changes: readonly ShownChange[], at: number): void {
    for (const change of changes) {
      if (change.before) this.publish({ type: 'hidden', tenant_key: tenantKey, system_status_id: change.before, user_id: change.user_id, at });
      if (change.after) this.publish({ type: 'shown', tenant_key: tenantKey, system_status_id: change.after, user_id: change.user_id, at });
    }
  }

  publishChange(change: StatusChangeEvent): void {
    this.publish({
      type: change.type,
      tenant_key: change.tenant_key,
      system_status_id: change.system_status_id,
      user_ids: [...change.user_ids],
      at: change.at,
    });
    this.publishShownChanges(change.tenant_key, change.shown_changes, change.at);
  }

  /** The tenant's kept events with an id above `afterId`, oldest first. */
  since(tenantKey: string, afterId = 0): EmulatorEvent[] {
    const list = this.history.get(tenantKey) ?? [];
    return list.slice(Math.max(0, list.length - this.historyLimit)).filter((event) => event.id > afterId);
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
