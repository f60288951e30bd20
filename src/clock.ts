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

  constructor(private readonly wall: () => number = Date.now) {}

  now(): number {
    return this.frozenAt ?? this.wall() + this.offsetMs;
  }

  freeze(at: number = this.now()): void {
    this.frozenAt = at;
  }

  unfreeze(): void {
    if (this.frozenAt !== undefined) this.offsetMs = this.frozenAt - this.wall();
    this.frozenAt = undefined;
  }

  set(at: number): void {
    if (this.frozenAt !== undefined) this.frozenAt = at;
    else this.offsetMs = at - this.wall();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = undefined;
  }

  state(): ClockState {
    return { now: this.now(), frozen: this.frozenAt !== undefined, offset_ms: this.now() - this.wall() };
  }
}
