// The benchmark tenant and the request bodies that drive it. Deterministic: the same size gives
// the same users, statuses and preferences, so runs minutes or machines apart compare.
import { SCOPES } from '../src/domain/apis.js';
import { deriveOpenId } from '../src/domain/identifiers.js';
import type { SeedFile } from '../src/seed/seed-schema.js';
import { seededRandom } from '../src/emulator/seeded-random.js';

export const BENCH_TENANT_KEY = 'benchtenant0001';
export const BENCH_APP_ID = 'cli_bench00000000001';
export const BENCH_APP_SECRET = 'sysstatus-bench-secret';
export const STATUS_COUNT = 10;

/** u0000000, u0000001, …: sorts in creation order. */
export const userIdAt = (index: number) => `u${String(index).padStart(7, '0')}`;

/** Every 41st user is resigned (batch_open answers resign_user_id). */
export const isResigned = (index: number) => index % 41 === 7;
/** Every 37th user is outside the app's contact scope (invisible_user_id). */
export const isInvisible = (index: number) => index % 37 === 11;
/** Every 13th user turned auto-open off for the status of priority 1 (success_user_close_syn). */
export const turnedSyncOff = (index: number) => index % 13 === 3;
/** Every 5th user has the priority-0 status open for months: others answer success_user_in_higher_priority_system_status. */
export const hasLongLeave = (index: number) => index % 5 === 2;
/** Statuses of these priorities do not auto-open (success_user_close_syn for everyone). */
export const CLOSED_BY_DEFAULT_PRIORITIES = [7];

/** The bench tenant without its users: small enough for a seed file the server applies at start. */
export function benchSeed(contactScope: 'all' | string[]): SeedFile {
  return {
    tenants: [
      {
        tenant_key: BENCH_TENANT_KEY,
        name: 'Bench Corp',
        api_permission: true,
        apps: [
          {
            app_id: BENCH_APP_ID,
            app_secret: BENCH_APP_SECRET,
            name: 'Bench app',
            type: 'custom',
            developer: 'bench-dev',
            scopes: [SCOPES.system_status_update, SCOPES.system_status_operate, SCOPES.employee_id],
            contact_scope: contactScope,
          },
        ],
        system_statuses: Array.from({ length: STATUS_COUNT }, (_, priority) => ({
          title: `bench-status-${priority}`,
          i18n_title: { zh_cn: `状态${priority}`, en_us: `Status ${priority}` },
          icon_key: 'GeneralBusinessTrip' as const,
          color: 'BLUE' as const,
          priority,
          sync_setting: { is_open_by_default: !CLOSED_BY_DEFAULT_PRIORITIES.includes(priority) },
        })),
      },
    ],
  };
}

/** Deterministic, so request bodies are the same in every run. */
export const prng = seededRandom;

export const openIdAt = (index: number) => deriveOpenId(BENCH_APP_ID, BENCH_TENANT_KEY, userIdAt(index));

export interface BodyPool {
  /** Path and JSON body of each request, used round robin. */
  requests: { path: string; body: string }[];
}

const STATUSES_PATH = '/open-apis/personal_settings/v1/system_statuses';

/**
 * batch_open bodies: `size` users drawn uniformly from the tenant (2% unknown open_ids), a
 * status drawn from the ten, end_times an hour to a month ahead, as numbers and numeric strings.
 */
export function batchOpenPool(statusIds: readonly string[], userCount: number, size: number, count: number, nowSeconds: number, seed = 1): BodyPool {
  const random = prng(seed * 7919 + size);
  const requests = [];
  for (let n = 0; n < count; n++) {
    const statusId = statusIds[Math.floor(random() * statusIds.length)];
    const user_list = Array.from({ length: size }, () => {
      const endTime = nowSeconds + 3600 + Math.floor(random() * 30 * 86400);
      const user_id = random() < 0.02 ? `ou_${Math.floor(random() * 1e15).toString(16).padStart(32, 'f')}` : openIdAt(Math.floor(random() * userCount));
      return { user_id, end_time: random() < 0.5 ? endTime : String(endTime) };
    });
    requests.push({ path: `${STATUSES_PATH}/${statusId}/batch_open?user_id_type=open_id`, body: JSON.stringify({ user_list }) });
  }
  return { requests };
}

/** batch_close bodies: `size` users, a status drawn from the ten (many are open, many are not). */
export function batchClosePool(statusIds: readonly string[], userCount: number, size: number, count: number, seed = 2): BodyPool {
  const random = prng(seed * 104729 + size);
  const requests = [];
  for (let n = 0; n < count; n++) {
    // Priority 0 stays open for the users on long leave, so closes hit the statuses batch_open opens.
    const statusId = statusIds[1 + Math.floor(random() * (statusIds.length - 1))];
    const user_list = Array.from({ length: size }, () => openIdAt(Math.floor(random() * userCount)));
    requests.push({ path: `${STATUSES_PATH}/${statusId}/batch_close?user_id_type=open_id`, body: JSON.stringify({ user_list }) });
  }
  return { requests };
}

export const LIST_PATH = `${STATUSES_PATH}?page_size=50`;
export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
export const TOKEN_BODY = JSON.stringify({ app_id: BENCH_APP_ID, app_secret: BENCH_APP_SECRET });
