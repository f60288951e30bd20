/** The one source of time. Everything that expires reads it, so tests and the emulator can move it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface ClockState {
  now: number;
  frozen: boolean;
  offset_ms: number;
}

/**
 * Wall time plus an offset, optionally frozen. With no controls used it is Date.now().
 * Rate-limit windows deliberately stay on wall time (see docs/compatibility.md).
 */
export class ControlledClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  private readonly listeners = new Set<(state: ClockState) => void>();

  constructor(private readonly wall: () => number = Date.now) {}

  now(): number {
    return this.frozenAt ?? this.wall() + this.offsetMs;
  }

  /** Called after every freeze, unfreeze, set, advance and reset (the expiry timers re-arm on it). */
  onChange(listener: (state: ClockState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }

  freeze(at: number = this.now()): void {
    this.frozenAt = at;
    this.changed();
  }

  unfreeze(): void {
    if (this.frozenAt !== undefined) this.offsetMs = this.frozenAt - this.wall();
    this.frozenAt = undefined;
    this.changed();
  }

  set(at: number): void {
    if (this.frozenAt !== undefined) this.frozenAt = at;
    else this.offsetMs = at - this.wall();
    this.changed();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = undefined;
    this.changed();
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozenAt !== undefined, offset_ms: this.now() - this.wall() };
  }
}
