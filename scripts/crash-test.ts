// Crash safety: batch_open / batch_close load against a real server process, SIGKILL mid-flight,
// restart on the same data, and check that every acknowledged batch is there and that no batch,
// acknowledged or cut off, is half applied.
//
//   node --import tsx scripts/crash-test.ts [--rounds 20] [--workers 6] [--database-url postgres://…]
//
// --database-url is passed to `sysstatus serve` once the PostgreSQL engine is part of the build
// (branch pg); without it the SQLite engine runs on a fresh temporary data directory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, type ServerProcess } from './server-process.js';

const TENANT = 'c7a54c7a54c7a54c';
const APP = { app_id: 'cli_crash00000000001', app_secret: 'crash-test-secret' };
const USERS_PER_WORKER = 10;
const STATUS_COUNT = 3;

export interface CrashFigures {
  crashes: number;
  acknowledged_batches: number;
  cut_off_batches: number;
  cut_off_applied: number;
  writes_checked: number;
}

/** Per (user, status): the end_time it is open until, or undefined when closed. */
type Model = Map<string, number | undefined>;
const key = (user: string, status: string) => `${user}\u0000${status}`;

interface Batch {
  op: 'batch_open' | 'batch_close';
  status: string;
  users: string[];
  end_time: number;
}

const apply = (model: Model, batch: Batch) => {
  for (const user of batch.users) model.set(key(user, batch.status), batch.op === 'batch_open' ? batch.end_time : undefined);
};

function seed(workers: number) {
  return {
    tenants: [
      {
        tenant_key: TENANT,
        name: 'Crash Corp',
        apps: [{ ...APP, scopes: ['personal_settings:status:system_status_update', 'personal_settings:status:system_status_operate', 'contact:user.employee_id:readonly'] }],
        users: Array.from({ length: workers * USERS_PER_WORKER }, (_, i) => ({ user_id: `w${Math.floor(i / USERS_PER_WORKER)}u${i % USERS_PER_WORKER}` })),
        system_statuses: Array.from({ length: STATUS_COUNT }, (_, i) => ({ title: `crash-${i}`, icon_key: 'Coffee', priority: i })),
      },
    ],
  };
}

async function api(server: ServerProcess, token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

async function observe(server: ServerProcess, users: string[]): Promise<Model> {
  const seen: Model = new Map();
  for (const user of users) {
    const view = await api(server, undefined, 'GET', `/_sysstatus/tenants/${TENANT}/users/${user}/status`);
    for (const open of view.open as { system_status_id: string; end_time: number }[]) seen.set(key(user, open.system_status_id), open.end_time);
  }
  return seen;
}

export async function runCrashTest(options: { rounds: number; workers: number; databaseUrl?: string; log?: (line: string) => void }): Promise<CrashFigures> {
  const log = options.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'sysstatus-crash-'));
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed(options.workers)));
  const dataDir = join(dir, 'data');
  const figures: CrashFigures = { crashes: 0, acknowledged_batches: 0, cut_off_batches: 0, cut_off_applied: 0, writes_checked: 0 };
  const model: Model = new Map();
  const allUsers = Array.from({ length: options.workers * USERS_PER_WORKER }, (_, i) => `w${Math.floor(i / USERS_PER_WORKER)}u${i % USERS_PER_WORKER}`);
  // end_time doubles as a batch's serial number: every open writes a value no other batch writes.
  let serial = Math.floor(Date.now() / 1000) + 30 * 24 * 3600;

  // Batches the last kill cut off: each is applied entirely or not at all, decided on restart.
  let cutOff: Batch[] = [];

  try {
    for (let round = 0; round <= options.rounds; round++) {
      // Every other round folds the log every few batches, so that kills also land mid-fold.
      const foldLogBytes = round % 2 === 1 ? 4096 : undefined;
      const server = await startServer({ dataDir, seedFile, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { ...(foldLogBytes ? { foldLogBytes } : {}) }) });
      const seen = await observe(server, allUsers);
      for (const batch of cutOff) {
        figures.cut_off_batches++;
        const applied = batch.users.map((user) => seen.get(key(user, batch.status)) === (batch.op === 'batch_open' ? batch.end_time : undefined));
        const before = batch.users.map((user) => seen.get(key(user, batch.status)) === model.get(key(user, batch.status)));
        const all = applied.every(Boolean);
        assert.ok(all || before.every(Boolean), `a batch cut off by the kill is half applied: ${JSON.stringify(batch)} applied=${JSON.stringify(applied)}`);
        if (all && !before.every(Boolean)) figures.cut_off_applied++;
        if (all) apply(model, batch);
      }
      cutOff = [];
      // Every acknowledged batch is there, and nothing else is.
      for (const [k, v] of model) assert.equal(seen.get(k), v, `round ${round}: ${k.replace('\u0000', ' / ')} is ${seen.get(k)}, acknowledged ${v}`);
      for (const [k, v] of seen) assert.equal(model.get(k), v, `round ${round}: ${k.replace('\u0000', ' / ')} is open but no batch opened it`);
      figures.writes_checked += allUsers.length * STATUS_COUNT;
      if (round === options.rounds) {
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0, server.output());
        break;
      }

      const token = (await api(server, undefined, 'POST', '/open-apis/auth/v3/tenant_access_token/internal', APP)).tenant_access_token as string;
      const statuses = ((await api(server, token, 'GET', '/open-apis/personal_settings/v1/system_statuses')).data.items as { system_status_id: string }[]).map((s) => s.system_status_id);
      assert.equal(statuses.length, STATUS_COUNT);

      // Load: each worker owns its users and sends one batch at a time, so its batches are ordered
      // and at most one is cut off by the kill.
      let killed = false;
      const inFlight: (Batch | undefined)[] = [];
      let acknowledged = 0;
      const worker = async (w: number) => {
        const users = allUsers.slice(w * USERS_PER_WORKER, (w + 1) * USERS_PER_WORKER);
        while (!killed) {
          const chosen = users.filter(() => Math.random() < 0.6);
          if (chosen.length === 0) continue;
          const batch: Batch = { op: Math.random() < 0.6 ? 'batch_open' : 'batch_close', status: statuses[Math.floor(Math.random() * statuses.length)], users: chosen, end_time: ++serial };
          inFlight[w] = batch;
          const body = batch.op === 'batch_open' ? { user_list: chosen.map((user_id) => ({ user_id, end_time: batch.end_time })) } : { user_list: chosen };
          try {
            const answer = await api(server, token, 'POST', `/open-apis/personal_settings/v1/system_statuses/${batch.status}/${batch.op}?user_id_type=user_id`, body);
            assert.equal(answer.code, 0, JSON.stringify(answer));
            apply(model, batch);
            inFlight[w] = undefined;
            acknowledged++;
          } catch (error) {
            if (!killed) throw error;
            return;
          }
        }
      };
      const load = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
      // Kill after a random number of acknowledged batches, while every worker has one in flight.
      const target = 20 + Math.floor(Math.random() * 200);
      while (acknowledged < target) await new Promise((resolve) => setTimeout(resolve, 5));
      killed = true;
      server.child.kill('SIGKILL');
      assert.equal(await server.exited, 'SIGKILL');
      await load;
      cutOff = inFlight.filter((batch): batch is Batch => batch !== undefined);
      figures.crashes++;
      figures.acknowledged_batches += acknowledged;
      log(`round ${round + 1}/${options.rounds}: killed after ${acknowledged} acknowledged batches, ${cutOff.length} cut off`);
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, workers: { type: 'string', default: '6' }, 'database-url': { type: 'string' } } });
  const figures = await runCrashTest({
    rounds: Number(values.rounds),
    workers: Number(values.workers),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
