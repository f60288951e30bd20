// Seeds the bench tenant with N users straight through the store (a seed file of a million users
// would be slow to parse and validate). Run as its own process by bench/run.ts:
//   node --import tsx bench/seed-tenant.ts --data DIR --users N [--database-url URL]
// and prints one JSON line of timings.
import { parseArgs } from 'node:util';
import { makeConfig } from '../src/config.js';
import { applySeed } from '../src/operations/provisioning.js';
import { createServices } from '../src/services.js';
import { createStore, type StoreOptions } from '../src/store/create-store.js';
import type { StoredOpen, UserRecord } from '../src/store/store.js';
import {
  BENCH_TENANT_KEY,
  benchSeed,
  hasLongLeave,
  isInvisible,
  isResigned,
  turnedSyncOff,
  userIdAt,
} from './workload.js';

const USERS_PER_TRANSACTION = 20_000;
const OPENS_PER_STATEMENT = 500;

export interface SeedTimings {
  users: number;
  engine: string;
  total_ms: number;
  tenant_ms: number;
  users_ms: number;
  preferences_ms: number;
  opens_ms: number;
  status_ids: string[];
}

async function seedTenant(options: StoreOptions & { databaseUrl?: string }, userCount: number): Promise<SeedTimings> {
  const started = performance.now();
  const store = await createStore(options);
  if (options.databaseUrl && store.engine !== 'postgres') {
    throw new Error('this build of sysstatus has no PostgreSQL engine (createStore ignored databaseUrl)');
  }
  try {
    // A database (PostgreSQL) may hold the bench tenant of an earlier run: start from nothing.
    await store.deleteTenant(BENCH_TENANT_KEY);
    const services = createServices(store, makeConfig());
    const contact: string[] = [];
    for (let i = 0; i < userCount; i++) if (!isInvisible(i)) contact.push(userIdAt(i));
    await applySeed(services, benchSeed(contact));
    const tenantDone = performance.now();

    const now = services.clock.now();
    for (let from = 0; from < userCount; from += USERS_PER_TRANSACTION) {
      const users: UserRecord[] = [];
      for (let i = from; i < Math.min(userCount, from + USERS_PER_TRANSACTION); i++) {
        users.push({ tenant_key: BENCH_TENANT_KEY, user_id: userIdAt(i), name: `User ${i}`, resigned: isResigned(i), created_at: now });
      }
      await store.transaction((tx) => tx.insertUsers(users));
    }
    const usersDone = performance.now();

    const statuses = await store.listSystemStatuses(BENCH_TENANT_KEY);
    const byPriority = new Map(statuses.map((status) => [status.priority, status]));
    const syncOffStatus = byPriority.get(1)!;
    await store.transaction(async (tx) => {
      for (let i = 0; i < userCount; i++) {
        if (turnedSyncOff(i)) await tx.setSyncPreference(BENCH_TENANT_KEY, userIdAt(i), syncOffStatus.system_status_id, false);
      }
    });
    const preferencesDone = performance.now();

    const leave = byPriority.get(0)!;
    const endTime = Math.floor(now / 1000) + 300 * 86400;
    let opens: StoredOpen[] = [];
    await store.transaction(async (tx) => {
      for (let i = 0; i < userCount; i++) {
        if (!hasLongLeave(i)) continue;
        opens.push({
          user_id: userIdAt(i),
          system_status_id: leave.system_status_id,
          end_time: endTime,
          opened_at: now,
          title: leave.title,
          ...(leave.i18n_title ? { i18n_title: leave.i18n_title } : {}),
          icon_key: leave.icon_key,
          color: leave.color,
          priority: leave.priority,
          open_by_default: leave.sync_setting.is_open_by_default,
          sync_on: true,
        });
        if (opens.length >= OPENS_PER_STATEMENT) {
          const batch = opens;
          opens = [];
          await tx.writeOpens(BENCH_TENANT_KEY, batch);
        }
      }
      if (opens.length > 0) await tx.writeOpens(BENCH_TENANT_KEY, opens);
    });
    const opensDone = performance.now();
    // A bulk load leaves PostgreSQL planning with the empty tables' statistics until autovacuum's
    // next pass: measure the steady state a running database reaches, not that first minute.
    await store.refreshStatistics();

    return {
      users: userCount,
      engine: store.engine,
      total_ms: opensDone - started,
      tenant_ms: tenantDone - started,
      users_ms: usersDone - tenantDone,
      preferences_ms: preferencesDone - usersDone,
      opens_ms: opensDone - preferencesDone,
      status_ids: statuses.map((status) => status.system_status_id),
    };
  } finally {
    await store.close();
  }
}

const { values } = parseArgs({
  options: { data: { type: 'string' }, users: { type: 'string' }, 'database-url': { type: 'string' } },
});
if (!values.data || !values.users) throw new Error('usage: seed-tenant.ts --data DIR --users N [--database-url URL]');
const timings = await seedTenant(
  { dataDir: values.data, ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}) },
  Number(values.users),
);
process.stdout.write(`${JSON.stringify(timings)}\n`);
