// Reset as hooks, in the LocalStack spirit: each part of the emulator registers what reset means
// for it, so a new part cannot be forgotten by a hand-written reset.

/** Parts a reset may be asked to keep as they are. */
export const KEEPABLE_PARTS = ['journal', 'faults', 'clock', 'events'] as const;
export type KeepablePart = (typeof KEEPABLE_PARTS)[number];

type Step = () => Promise<void> | void;

export interface ResetHook {
  /** The part this hook resets; a reset that keeps it skips the whole hook. */
  part?: KeepablePart;
  /** Before anything is reset (e.g. stop taking work). */
  before?: Step;
  /** The reset itself. */
  reset?: Step;
  /** Once every part is reset (e.g. rebuild what is derived from the state). */
  after?: Step;
}

/**
 * Runs every hook's `before`, then every `reset`, then every `after`, each phase in the order
 * the hooks were registered. Order matters within `reset`: the clock is registered first, so
 * the state restored after it is judged on the clock it returns to.
 */
export class ResetHooks {
  private readonly hooks: ResetHook[] = [];

  register(hook: ResetHook): void {
    this.hooks.push(hook);
  }

  async run(keep: ReadonlySet<KeepablePart> = new Set()): Promise<void> {
    const active = this.hooks.filter((hook) => hook.part === undefined || !keep.has(hook.part));
    for (const phase of ['before', 'reset', 'after'] as const) {
      for (const hook of active) await hook[phase]?.();
    }
  }
}
