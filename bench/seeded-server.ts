// A built sysstatus on a copy of a tenant seeded by seed-tenant.ts, and the requests of one
// scenario against it: what compare-builds.ts and alloc-top.ts measure.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestSpec } from './load.js';
import { freePort, httpCall, runNode, type ServerProcess, startServer } from './processes.js';
import { batchClosePool, batchOpenPool, benchSeed, LIST_PATH, TOKEN_BODY, TOKEN_PATH } from './workload.js';

export const SCENARIOS = ['batch_open_50', 'batch_open_1', 'batch_close_50', 'list', 'token'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const PROBE = { method: 'POST' as const, path: TOKEN_PATH, body: TOKEN_BODY };

export interface SeededServer extends ServerProcess {
  token: string;
}

/** A fresh work folder with a tenant of `users` seeded once, to be copied for each server. */
export async function seedWork(work: string, users: number): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  await runNode(['--import', 'tsx', join(import.meta.dirname, 'seed-tenant.ts'), '--data', join(work, 'seed'), '--users', String(users)], {
    cwd: join(import.meta.dirname, '..'),
  });
  writeFileSync(join(work, 'bench-seed.json'), JSON.stringify(benchSeed('all')));
}

const words = (text: string) => text.split(' ').filter(Boolean);

/** `script` (a build's bin/sysstatus.js) serving a copy of the seeded folder as `name`, with its token. */
export async function startSeeded(work: string, name: string, script: string, extra = '', node = ''): Promise<SeededServer> {
  const dir = join(work, name);
  cpSync(join(work, 'seed'), dir, { recursive: true });
  const port = await freePort();
  const args = [...words(node), script, 'serve', '--data', dir, '--seed', join(work, 'bench-seed.json'), '--port', String(port), '--rate-limits', 'off', '--log-level', 'warn', ...words(extra)];
  // Opened and closed once first: the seeded folder's state image is of this checkout's format, and
  // a build that cannot read it loads the tables, into another memory layout than its own image gives.
  await (await startServer(name, args, port, PROBE)).stop();
  const server = await startServer(name, args, port, PROBE);
  const token = (JSON.parse((await httpCall(server.url, PROBE)).body) as { tenant_access_token: string }).tenant_access_token;
  return Object.assign(server, { token });
}

/**
 * A scenario's requests, used round robin (bodies drawn from the tenant's users and the server's
 * statuses), and what its warm-up sends: the same, but opens before closes, so that users have
 * several opens to close, as in the bench.
 */
export async function scenarioRequests(scenario: string, server: SeededServer, users: number): Promise<{ requests: RequestSpec[]; warmUp: RequestSpec[] }> {
  const listed = JSON.parse((await httpCall(server.url, { method: 'GET', path: LIST_PATH }, { authorization: `Bearer ${server.token}` })).body) as {
    data: { items: { system_status_id: string; priority: number }[] };
  };
  const statusIds = listed.data.items.sort((x, y) => x.priority - y.priority).map((item) => item.system_status_id);
  const batchOpen = (size: number): RequestSpec[] =>
    batchOpenPool(statusIds, users, size, 2000, Math.floor(Date.now() / 1000)).requests.map((request) => ({ method: 'POST', ...request }));
  const same = (requests: RequestSpec[]) => ({ requests, warmUp: requests });
  switch (scenario) {
    case 'batch_open_50':
      return same(batchOpen(50));
    case 'batch_open_1':
      return same(batchOpen(1));
    case 'batch_close_50':
      return { requests: batchClosePool(statusIds, users, 50, 2000).requests.map((request) => ({ method: 'POST', ...request })), warmUp: batchOpen(50) };
    case 'list':
      return same([{ method: 'GET', path: LIST_PATH }]);
    case 'token':
      return same([{ method: 'POST', path: TOKEN_PATH, body: TOKEN_BODY }]);
    default:
      throw new Error(`--scenario: one of ${SCENARIOS.join(', ')}`);
  }
}
