import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { AppInfo, ClockState, PlatformClient, SystemStatus } from './api.js';
import type { Lang, Translate } from './i18n.js';

export type ToastKind = 'info' | 'error';

// The server's own list (plain data, bundled): the console follows exactly the events it sends.
export { EVENT_TYPES } from '../../emulator/event-types.js';
import type { EventType } from '../../emulator/event-types.js';

/** One message of the tenant's event stream. */
export interface LiveEvent {
  seq: number;
  type: EventType;
  system_status_id?: string;
  user_ids: string[];
  at: number;
}

/** What every view of the console shares. */
export interface ConsoleContext {
  lang: Lang;
  t: Translate;
  tenantKey: string;
  apps: AppInfo[];
  /** The app whose token the console's platform calls use. */
  client: PlatformClient | undefined;
  statuses: SystemStatus[];
  reloadStatuses(): Promise<void>;
  /** null when the server has no clock to show. */
  clock: ClockState | null;
  /** Emulator mode: the clock can be moved and faults injected. */
  emulatorMode: boolean;
  reloadClock(): Promise<void>;
  /** The server's now (its emulated clock), in ms. */
  serverNow(): number;
  /** Bumped whenever users' statuses may have changed (events, the console's own calls). */
  version: number;
  bump(): void;
  toast(message: string, kind?: ToastKind): void;
  /** The newest events first. */
  events: LiveEvent[];
  /** Whether the event stream is connected. */
  live: boolean;
}

export const Ctx = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const context = useContext(Ctx);
  if (!context) throw new Error('console context missing');
  return context;
}

/** Re-renders every second and returns the server's now. */
export function useNow(): number {
  const { serverNow } = useConsole();
  const [now, setNow] = useState(serverNow());
  useEffect(() => {
    setNow(serverNow());
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [serverNow]);
  return now;
}
