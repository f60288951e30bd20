// The events of a tenant's stream: plain data (no Node import), so the console imports them too.

export const EVENT_TYPES = ['opened', 'replaced', 'closed', 'expired', 'shown', 'hidden'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

interface EventBase {
  /** Increasing across all tenants; SSE id, and the cursor of ?since=. */
  id: number;
  tenant_key: string;
  system_status_id: string;
  /** Clock time of the transition (ms); for expired, the end_time itself. */
  at: number;
}

/** A status opened, re-opened (end_time replaced), closed or expired for some users. */
export interface StatusEvent extends EventBase {
  type: 'opened' | 'replaced' | 'closed' | 'expired';
  user_ids: string[];
}

/** What one user's client displays changed: this status appeared (shown) or went away (hidden). */
export interface DisplayEvent extends EventBase {
  type: 'shown' | 'hidden';
  user_id: string;
}

export type EmulatorEvent = StatusEvent | DisplayEvent;
