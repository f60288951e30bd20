// Probes for load balancers, outside /open-apis and in plain JSON: /healthz says the process
// answers, /readyz that its dependencies (database, and Redis when limits are kept there) answer.
import Type from 'typebox';
import type { App } from '../types.js';
import { plainResponses } from './plain-responses.js';

export type ReadinessCheck = () => Promise<void>;

/** A dependency that does not answer within this time counts as down. */
const CHECK_TIMEOUT_MS = 2_000;
const TAGS = ['operations'];

async function run(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export async function healthRoutes(app: App, checks: Record<string, ReadinessCheck>) {
  app.get(
    '/healthz',
    { schema: { tags: TAGS, summary: 'The process answers', response: plainResponses({ 200: Type.Object({ status: Type.Literal('ok') }) }) } },
    async () => ({ status: 'ok' as const }),
  );

  const Readiness = Type.Object({
    status: Type.Enum(['ready', 'unavailable']),
    checks: Type.Record(Type.String(), Type.String({ description: '"ok" or "unavailable: <why>"' })),
  });
  app.get(
    '/readyz',
    { schema: { tags: TAGS, summary: 'The database (and Redis, when limits live there) answer', response: plainResponses({ 200: Readiness, 503: Readiness }) } },
    async (_request, reply) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => run(checks[name])));
    const ready = results.every((result) => result === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? ('ready' as const) : ('unavailable' as const), checks: Object.fromEntries(names.map((name, i) => [name, results[i]])) });
    },
  );
}
