import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeConfig } from '../../src/config.js';
import { exportCommand, importCommand } from '../../src/emulator/snapshot-cli.js';
import { writeFileAtomic } from '../../src/emulator/snapshot-file.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { createServices } from '../../src/services.js';
import { createStore } from '../../src/store/create-store.js';
import { STATUSES_URL, startTestApp, T0, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { ACME, ACME_APP, TEST_SEED } from '../helpers/test-seed.js';
import { batchOpen, control, statusIds } from './helpers.js';

const withoutTokens = (snapshot: { access_tokens: unknown[] }) => ({ ...snapshot, access_tokens: [] });

describeEachEngine('reset', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('restores the seed with the same IDs, and clears journal, faults, events and clock changes', async () => {
    const start = (await control(t, 'GET', '/snapshot')).json();
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const ids = await statusIds(t, ACME);
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0 / 1000 + 600 }]);
    await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${ids['会议中']}`, token });
    await control(t, 'POST', '/tenants', { name: 'Extra' });
    await control(t, 'POST', `/tenants/${ACME}/users`, { user_id: 'u100' });
    await control(t, 'PATCH', `/tenants/${ACME}`, { api_permission: false });
    await control(t, 'POST', '/faults', { api: 'list', response: { status: 500, code: 99991500, msg: 'internal server error' } });
    await control(t, 'POST', '/clock', { action: 'advance', ms: 60_000 });
    assert.notDeepEqual(withoutTokens((await control(t, 'GET', '/snapshot')).json()), withoutTokens(start));

    const reset = await control(t, 'POST', '/reset');
    assert.equal(reset.statusCode, 200);
    assert.deepEqual(reset.json().clock, { now: T0, frozen: true, offset_ms: reset.json().clock.offset_ms });
    assert.deepEqual(withoutTokens((await control(t, 'GET', '/snapshot')).json()), withoutTokens(start));
    assert.deepEqual((await control(t, 'GET', '/faults')).json().rules, []);
    assert.equal((await control(t, 'GET', '/journal/count')).json().count, 0);
    assert.deepEqual((await control(t, 'GET', `/tenants/${ACME}/events/history`)).json().events, []);
    assert.equal((await control(t, 'GET', `/tenants/${ACME}/users/u001/status`)).json().shown, null);

    // The token issued before the reset is still good: its app is back with the same secret.
    const listed = await t.request({ url: STATUSES_URL, token });
    assert.equal(listed.json().code, 0);
    assert.deepEqual(listed.json().data.items.map((item: { system_status_id: string }) => item.system_status_id), Object.values(ids));
  });

  it('keeps a token that is valid again once the clock is restored, and judges tokens by that clock', async () => {
    const early = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    await control(t, 'POST', '/clock', { action: 'advance', ms: 86_400_000 });
    const late = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    assert.notEqual(late, early, 'the first token had expired by the moved clock');
    assert.equal((await control(t, 'POST', '/reset')).statusCode, 200);
    assert.equal((await control(t, 'GET', '/clock')).json().now, T0);
    for (const token of [early, late]) assert.equal((await t.request({ url: STATUSES_URL, token })).json().code, 0);
  });

  it('keeps what it is asked to keep', async () => {
    await control(t, 'POST', '/faults', { api: 'list', delay_ms: 1 });
    await control(t, 'POST', '/clock', { action: 'advance', ms: 5_000 });
    await control(t, 'POST', '/reset', { keep: ['faults', 'clock'] });
    assert.equal((await control(t, 'GET', '/faults')).json().rules.length, 1);
    assert.equal((await control(t, 'GET', '/clock')).json().now, T0 + 5_000);
    assert.equal((await control(t, 'POST', '/reset', { keep: ['everything'] })).statusCode, 400);
  });
});

describeEachEngine('snapshots', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('an export / import round trip is identical, and the imported state answers the same', async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const ids = await statusIds(t, ACME);
    await batchOpen(t, token, ids['请假'], [{ user_id: 'u001', end_time: T0 / 1000 + 600 }, { user_id: 'u003', end_time: T0 / 1000 + 900 }]);
    await batchOpen(t, token, ids['出差'], [{ user_id: 'u002', end_time: T0 / 1000 + 60 }]);
    await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${ids['出差']}`, token });
    await control(t, 'PUT', `/tenants/${ACME}/users/u006/sync/${ids['请假']}`, { sync_on: false });
    await control(t, 'PATCH', `/apps/${ACME_APP.app_id}`, { contact_scope: ['u001', 'u002'] });
    const exported = (await control(t, 'GET', '/snapshot')).json();
    const users = (await control(t, 'GET', `/tenants/${ACME}/users`)).json();

    const other = await startTestApp({ engine, seed: { tenants: [{ name: 'Someone else', users: [{ user_id: 'x1' }] }] } });
    try {
      const imported = await control(other, 'POST', '/snapshot', exported);
      assert.equal(imported.statusCode, 200);
      assert.deepEqual((await control(other, 'GET', '/snapshot')).json(), exported);
      assert.deepEqual((await control(other, 'GET', `/tenants/${ACME}/users`)).json(), users);
      // The exported token works on the importing server.
      assert.equal((await other.request({ url: STATUSES_URL, token })).json().code, 0);
      // Expiry follows the imported opens.
      await control(other, 'POST', '/clock', { action: 'advance', ms: 600_000 });
      const expired = (await control(other, 'GET', `/tenants/${ACME}/events/history?types=expired`)).json().events;
      assert.deepEqual(expired.map((event: { user_ids: string[] }) => event.user_ids), [['u002'], ['u001']]);
    } finally {
      await other.close();
    }
  });

  it('refuses a document that is not a snapshot and changes nothing', async () => {
    const before = (await control(t, 'GET', '/snapshot')).json();
    const refused = await control(t, 'POST', '/snapshot', { format: 'sysstatus-snapshot', version: 1, tenants: [{ tenant_key: 'x' }], access_tokens: [] });
    assert.equal(refused.statusCode, 400);
    const duplicate = structuredClone(before);
    duplicate.tenants.push(duplicate.tenants[0]);
    assert.equal((await control(t, 'POST', '/snapshot', duplicate)).statusCode, 400);
    assert.deepEqual((await control(t, 'GET', '/snapshot')).json(), before);
  });
});

describe('snapshot files and the CLI', () => {
  it('export and import round trip through a file and the database folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sysstatus-snapshot-'));
    const config = makeConfig({ data_dir: join(dir, 'a') });
    const store = await createStore({ dataDir: config.data_dir });
    await applySeed(createServices(store, config), TEST_SEED);
    await store.close();
    const file = join(dir, 'state.json');
    assert.match(await exportCommand(config, file), /exported 3 tenant/);
    const target = makeConfig({ data_dir: join(dir, 'b') });
    assert.match(await importCommand(target, file), /imported 3 tenant/);
    const again = join(dir, 'again.json');
    await exportCommand(target, again);
    assert.equal(await readFile(again, 'utf8'), await readFile(file, 'utf8'));
  });

  it('a failed export leaves the previous file as it was, and no temporary file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sysstatus-snapshot-'));
    const file = join(dir, 'state.json');
    await writeFile(file, 'the previous export');
    await assert.rejects(exportCommand(makeConfig(), file, 'http://127.0.0.1:9'));
    // Fails after the temporary file exists: the target is a directory, so the rename is refused.
    const folder = join(dir, 'folder');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(folder, 'inside'), { recursive: true }));
    await assert.rejects(writeFileAtomic(folder, 'new content'));
    assert.equal(await readFile(file, 'utf8'), 'the previous export');
    assert.deepEqual((await readdir(dir)).sort(), ['folder', 'state.json']);
  });
});
