import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { createServices } from '../../src/services.js';
import { createStore } from '../../src/store/create-store.js';
import { ACME, ACME_APP, TEST_SEED } from '../helpers/test-seed.js';
import { openIdOf, STATUSES_URL, T0 } from '../helpers/test-app.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sysstatus-persist-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

async function boot() {
  const store = await createStore({ dataDir });
  const clock = new ControlledClock();
  clock.freeze(T0);
  const config = makeConfig({ rate_limits: false });
  const services = createServices(store, config, clock);
  const provisioned = await applySeed(services, TEST_SEED);
  const app = await buildApp({ config, services });
  return { app, store, provisioned, close: async () => { await app.close(); await store.close(); } };
}

test('everything, issued tokens included, survives a restart; the same seed again changes nothing', async () => {
  const first = await boot();
  assert.ok(first.provisioned.every((tenant) => tenant.created));
  const tokenResponse = await first.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP });
  const token = tokenResponse.json().tenant_access_token;
  const auth = { authorization: `Bearer ${token}` };
  const created = await first.app.inject({ method: 'POST', url: STATUSES_URL, headers: auth, payload: { title: '外出', icon_key: 'Coffee', priority: 7 } });
  const statusId = created.json().data.system_status.system_status_id;
  await first.app.inject({
    method: 'POST',
    url: `${STATUSES_URL}/${statusId}/batch_open`,
    headers: auth,
    payload: { user_list: [{ user_id: openIdOf(ACME_APP.app_id, ACME, 'u001'), end_time: T0 / 1000 + 600 }] },
  });
  const listBefore = (await first.app.inject({ method: 'GET', url: STATUSES_URL, headers: auth })).json();
  await first.close();

  const second = await boot();
  try {
    assert.ok(second.provisioned.every((tenant) => !tenant.created));
    const listAfter = (await second.app.inject({ method: 'GET', url: STATUSES_URL, headers: auth })).json();
    assert.deepEqual(listAfter, listBefore);
    const again = await second.app.inject({ method: 'POST', url: '/open-apis/auth/v3/tenant_access_token/internal', payload: ACME_APP });
    assert.equal(again.json().tenant_access_token, token);
    const view = (await second.app.inject({ method: 'GET', url: `/_sysstatus/tenants/${ACME}/users/u001/status` })).json();
    assert.equal(view.shown.title, '外出');
  } finally {
    await second.close();
  }
});

test('the database files hold no secret and no token in clear', async () => {
  const files = readdirSync(dataDir).map((name) => readFileSync(join(dataDir, name)).toString('latin1'));
  assert.ok(files.length > 0);
  for (const content of files) {
    assert.ok(!content.includes(ACME_APP.app_secret));
    assert.ok(!content.includes('globex-secret'));
    assert.ok(!/t-[0-9a-f]{40}/.test(content));
  }
});
