import type { TestApp } from '../helpers/test-app.js';
import { STATUSES_URL, startTestApp } from '../helpers/test-app.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';
import type { TestEngine } from '../helpers/test-store.js';

/** The tenant's statuses by title, through the control API (no token). */
export async function statusIds(t: TestApp, tenantKey: string): Promise<Record<string, string>> {
  const response = await t.request({ url: `/_sysstatus/tenants/${tenantKey}/system_statuses` });
  const ids: Record<string, string> = {};
  for (const item of response.json().items) ids[item.title] = item.system_status_id;
  return ids;
}

export async function batchOpen(t: TestApp, token: string, statusId: string, users: { user_id: string; end_time: number }[], userIdType = 'user_id') {
  return t.request({
    method: 'POST',
    url: `${STATUSES_URL}/${statusId}/batch_open?user_id_type=${userIdType}`,
    token,
    payload: { user_list: users },
  });
}

export async function control(t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return t.request({ method, url: `/_sysstatus${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** A test app on the test seed, with a token of ACME's app and ACME's statuses by title. */
export async function startAcme(engine?: TestEngine): Promise<{ t: TestApp; token: string; ids: Record<string, string> }> {
  const t = await startTestApp({ engine });
  return { t, token: await t.token(ACME_APP.app_id, ACME_APP.app_secret), ids: await statusIds(t, ACME) };
}
