// Fault rules: deterministic answers or delays for chosen calls. A rule with times N fires on
// exactly N matching calls; without times it fires until deleted. Randomness only with a seed.
import type { JournalApiId } from './api-ids.js';
import { seededRandom } from './seeded-random.js';
import type { ResetHook } from './reset-hooks.js';

export interface FaultMatch {
  tenant_key?: string;
  user_id_type?: string;
  system_status_id?: string;
  /** Matches when the request names this user (path, user_list or user_ids). */
  user_id?: string;
}

export interface FaultResponse {
  status: number;
  code: number;
  msg: string;
  headers?: Record<string, string>;
}

export interface FaultRuleInput {
  api: JournalApiId;
  app_id?: string;
  times?: number;
  match?: FaultMatch;
  response?: FaultResponse;
  delay_ms?: number;
  probability?: number;
  seed?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Firings left; null for a rule without times. */
  remaining: number | null;
  fired: number;
  created_at: number;
}

/** What a request offers the rules to match on. */
export interface FaultContext {
  api: JournalApiId;
  app_id?: string;
  tenant_key?: string;
  user_id_type?: string;
  system_status_id?: string;
  user_ids: readonly string[];
}

export class FaultRuleError extends Error {}

export class FaultRules {
  private rules: FaultRule[] = [];
  private readonly draws = new Map<string, () => number>();
  private lastId = 0;

  /** Rules held, used-up ones included. */
  get size(): number {
    return this.rules.length;
  }

  add(input: FaultRuleInput, now: number): FaultRule {
    if (!input.response && input.delay_ms === undefined) throw new FaultRuleError('a rule needs a response, a delay_ms, or both');
    if (input.probability !== undefined && input.seed === undefined) {
      throw new FaultRuleError('probability needs a seed: rules are deterministic unless randomness is asked for with one');
    }
    const rule: FaultRule = { ...input, id: `fault_${++this.lastId}`, remaining: input.times ?? null, fired: 0, created_at: now };
    if (input.probability !== undefined) this.draws.set(rule.id, seededRandom(input.seed!));
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  get(id: string): FaultRule | undefined {
    const rule = this.rules.find((candidate) => candidate.id === id);
    return rule && { ...rule };
  }

  delete(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    this.draws.delete(id);
    return this.rules.length !== before;
  }

  /** Reset empties it unless kept. */
  readonly resetHook: ResetHook = { part: 'faults', reset: () => this.clear() };

  clear(): void {
    this.rules = [];
    this.draws.clear();
  }

  private static matches(rule: FaultRule, context: FaultContext): boolean {
    if (rule.api !== context.api) return false;
    if (rule.app_id !== undefined && rule.app_id !== context.app_id) return false;
    const match = rule.match;
    if (!match) return true;
    return (
      (match.tenant_key === undefined || match.tenant_key === context.tenant_key) &&
      (match.user_id_type === undefined || match.user_id_type === (context.user_id_type ?? 'open_id')) &&
      (match.system_status_id === undefined || match.system_status_id === context.system_status_id) &&
      (match.user_id === undefined || context.user_ids.includes(match.user_id))
    );
  }

  /** The first live rule (in creation order) that matches and, if probabilistic, draws to fire; it is used up by one. */
  take(context: FaultContext): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.remaining === 0 || !FaultRules.matches(rule, context)) continue;
      const draw = this.draws.get(rule.id);
      if (draw && draw() >= rule.probability!) continue;
      if (rule.remaining !== null) rule.remaining -= 1;
      rule.fired += 1;
      return { ...rule };
    }
    return undefined;
  }
}
