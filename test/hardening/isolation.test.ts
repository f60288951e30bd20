// Isolation matrix: an app of one tenant can never read, change, open or close anything of another
// tenant, through any endpoint, whatever id it names; and a foreign id is answered exactly like an
// id that never existed, so answers reveal nothing about what other tenants have.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ACME, ACME_APP, GLOBEX } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { openIdOf, startTestApp, STATUSES_URL, T0, type TestApp, unionIdOf } from '../helpers/test-app.js';
import { report } from './support/fuzz-config.js';
import { assertEnvelope } from './support/oracle.js';

const GLOBEX_APP = { app_id: 'cli_globex0000000001', app_secret: 'globex-secret' };
const NEVER = '1999999999999999999';
const END = T0 / 1000 + 3600;

/** An answer with everything that legitimately differs per request (log ids, the id itself) masked. */
function shape(response: LightMyRequestResponse, ids: string[]): string {
  let text = response.body.replace(/\d{14}[0-9A-F]{20}/g, '<log_id>');
  for (const id of ids) text = text.split(id).join('<id>');
  return `${response.statusCode} ${text}`;
}

type Op = { name: string; request: (id: string) => { method: 'PATCH' | 'DELETE' | 'POST'; url: string; payload?: object } };

const OPS: Op[] = [
  { name: 'patch', request: (id) => ({ method: 'PATCH', url: `${STATUSES_URL}/${id}`, payload: { system_status: { title: 'taken over' }, update_fields: ['TITLE'] } }) },
  { name: 'delete', request: (id) => ({ method: 'DELETE', url: `${STATUSES_URL}/${id}` }) },
  { name: 'batch_open', request: (id) => ({ method: 'POST', url: `${STATUSES_URL}/${id}/batch_open?user_id_type=user_id`, payload: { user_list: [{ user_id: 'u001', end_time: END }] } }) },
  { name: 'batch_close', request: (id) => ({ method: 'POST', url: `${STATUSES_URL}/${id}/batch_close?user_id_type=user_id`, payload: { user_list: ['u001'] } }) },
];

describeEachEngine('tenant isolation', (engine) => {
  let t: TestApp;
  let acme: string;
  let globex: string;
  let acmeStatus: string;
  let acmeDeleted: string;
  let globexStatus: string;
  let cells = 0;

  before(async () => {
    t = await startTestApp({ engine });
    acme = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    globex = await t.token(GLOBEX_APP.app_id, GLOBEX_APP.app_secret);
    acmeStatus = (await t.services.store.listSystemStatuses(ACME))[1].system_status_id;
    globexStatus = (await t.services.store.listSystemStatuses(GLOBEX))[0].system_status_id;
    const created = await t.request({ method: 'POST', url: STATUSES_URL, token: acme, payload: { title: 'deleted', icon_key: 'Coffee', priority: 8 } });
    acmeDeleted = created.json().data.system_status.system_status_id;
    await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${acmeDeleted}`, token: acme });
    // Acme has real state worth stealing: an open status for u001.
    const opened = await t.request({ method: 'POST', url: `${STATUSES_URL}/${acmeStatus}/batch_open?user_id_type=user_id`, token: acme, payload: { user_list: [{ user_id: 'u001', end_time: END }] } });
    assert.equal(opened.json().code, 0);
  });
  after(() => {
    report(`isolation ${engine} cells`, cells);
    return t.close();
  });

  test("patch, delete, batch_open, batch_close on another tenant's status: the answer of a never-existing id, nothing changes", async () => {
    for (const op of OPS) {
      const answers = new Map<string, string>();
      for (const [label, id] of [['foreign', acmeStatus], ['never', NEVER], ['deleted', acmeDeleted], ['not a number', 'abc']] as const) {
        const before = await t.services.store.dump();
        const response = await t.request({ ...op.request(id), token: globex });
        const body = assertEnvelope(response, `${op.name} ${label}`);
        assert.equal(body.code, 2005001, `${op.name} ${label}`);
        assert.deepEqual(await t.services.store.dump(), before, `${op.name} ${label} changed the store`);
        answers.set(label, shape(response, [acmeStatus, NEVER, acmeDeleted, 'abc']));
        cells++;
      }
      assert.equal(new Set(answers.values()).size, 1, `${op.name}: answers differ: ${JSON.stringify([...answers])}`);
    }
  });

  test("list never shows another tenant's statuses, whatever page_token it is given", async () => {
    const acmeIds = (await t.services.store.listSystemStatuses(ACME)).map((status) => status.system_status_id);
    const globexIds = (await t.services.store.listSystemStatuses(GLOBEX)).map((status) => status.system_status_id);
    const tokens = ['', ...['0', ...acmeIds, ...globexIds].map((id) => Buffer.from(`sysstatus:v1:${id}`).toString('base64url'))];
    // A page token Acme received.
    const acmePage = (await t.request({ method: 'GET', url: `${STATUSES_URL}?page_size=1`, token: acme })).json();
    tokens.push(acmePage.data.page_token);
    for (const pageToken of tokens) {
      for (const pageSize of [1, 50]) {
        const response = await t.request({ method: 'GET', url: `${STATUSES_URL}?page_size=${pageSize}&page_token=${pageToken}`, token: globex });
        const body = assertEnvelope(response, `list ${pageToken}`) as { code: number; data: { items: { system_status_id: string }[] } };
        assert.equal(body.code, 0);
        for (const item of body.data.items) assert.ok(globexIds.includes(item.system_status_id), `Globex saw ${item.system_status_id}`);
        cells++;
      }
    }
  });

  test("batch_open / batch_close on the caller's own status never reach another tenant's users", async () => {
    const acmeUsers = ['u001', 'u002', 'u005'];
    const foreign: [string, string[]][] = [
      ['open_id', [ACME_APP.app_id, 'cli_acme0000000000002'].flatMap((app) => acmeUsers.map((user) => openIdOf(app, ACME, user)))],
      // Globex's app has developer "acme" too: Acme's union_ids of that developer still belong to Acme.
      ['union_id', ['acme', 'someone-else'].flatMap((developer) => acmeUsers.map((user) => unionIdOf(developer, ACME, user)))],
    ];
    for (const [type, ids] of foreign) {
      for (const id of ids) {
        for (const op of ['batch_open', 'batch_close'] as const) {
          const before = await t.services.store.dump();
          const payload = op === 'batch_open' ? { user_list: [{ user_id: id, end_time: END }] } : { user_list: [id] };
          const response = await t.request({ method: 'POST', url: `${STATUSES_URL}/${globexStatus}/${op}?user_id_type=${type}`, token: globex, payload });
          const body = assertEnvelope(response, `${op} ${type} ${id}`);
          // The platform's documented answer for another tenant's open_id / union_id (§8).
          assert.equal(body.code, 2005006, `${op} ${type} ${id}: ${response.body}`);
          assert.deepEqual(await t.services.store.dump(), before);
          cells++;
        }
      }
    }
    // user_ids are per tenant: Acme-only ones answer like names nobody has; a shared one is Globex's own user.
    for (const op of ['batch_open', 'batch_close'] as const) {
      const shapes = new Set<string>();
      for (const id of ['u002', 'u005', 'nobody-anywhere']) {
        const before = await t.services.store.dump();
        const payload = op === 'batch_open' ? { user_list: [{ user_id: id, end_time: END }] } : { user_list: [id] };
        const response = await t.request({ method: 'POST', url: `${STATUSES_URL}/${globexStatus}/${op}?user_id_type=user_id`, token: globex, payload });
        const body = assertEnvelope(response, `${op} user_id ${id}`) as { code: number; data: { result_list: { result: string }[] } };
        assert.equal(body.data.result_list[0].result, 'invalid_user_id');
        assert.deepEqual(await t.services.store.dump(), before);
        shapes.add(shape(response, ['u002', 'u005', 'nobody-anywhere']));
        cells++;
      }
      assert.equal(shapes.size, 1, `${op}: Acme-only user_ids answer differently from unknown ones`);
    }
    const shared = await t.request({ method: 'POST', url: `${STATUSES_URL}/${globexStatus}/batch_open?user_id_type=user_id`, token: globex, payload: { user_list: [{ user_id: 'u001', end_time: END + 1 }] } });
    assert.equal(shared.json().data.result_list[0].result, 'success_show');
    const acmeOpens = (await t.services.store.userOpens(ACME, ['u001'])).get('u001')!;
    assert.deepEqual(acmeOpens.map((open) => [open.system_status_id, open.end_time]), [[acmeStatus, END]], "Acme's u001 is untouched");
    const globexOpens = (await t.services.store.userOpens(GLOBEX, ['u001'])).get('u001')!;
    assert.deepEqual(globexOpens.map((open) => [open.system_status_id, open.end_time]), [[globexStatus, END + 1]]);
    cells++;
  });

  test("a token works only for its own tenant's data: Acme's token on Globex's ids is never-existing too", async () => {
    for (const op of OPS) {
      const foreign = await t.request({ ...op.request(globexStatus), token: acme });
      const never = await t.request({ ...op.request(NEVER), token: acme });
      assert.equal(shape(foreign, [globexStatus, NEVER]), shape(never, [globexStatus, NEVER]), op.name);
      cells++;
    }
    const globexList = (await t.request({ method: 'GET', url: STATUSES_URL, token: globex })).json().data.items;
    assert.equal(globexList.length, 1, "Globex's status survived all of Acme's attempts");
  });

  // /_sysstatus needs the admin token except for loopback clients in emulator mode (admin-guard.test).
  // What must hold for any client let in: it is read-only, and every answer is scoped
  // to the tenant the path names, so one tenant's key never yields another tenant's users.
  test('/_sysstatus is read-only and scoped to the tenant or app the path names', async () => {
    const before = await t.services.store.dump();
    for (const url of [`/_sysstatus/apps/${GLOBEX_APP.app_id}/users`, `/_sysstatus/tenants/${GLOBEX}/users/u001/status`]) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const response = await t.request({ method, url, payload: {} });
        assert.equal(response.statusCode, 404, `${method} ${url}`);
        cells++;
      }
    }
    const users = (await t.request({ method: 'GET', url: `/_sysstatus/apps/${GLOBEX_APP.app_id}/users?page_size=10000` })).json().users as { user_id: string; open_id: string }[];
    assert.deepEqual(users.map((user) => user.user_id).sort(), ['g002', 'u001']);
    assert.ok(users.every((user) => user.open_id === openIdOf(GLOBEX_APP.app_id, GLOBEX, user.user_id)));
    // A page token is a position within the app's tenant, never a door to another.
    const paged = (await t.request({ method: 'GET', url: `/_sysstatus/apps/${GLOBEX_APP.app_id}/users?page_token=a` })).json().users as { user_id: string }[];
    assert.ok(paged.every((user) => ['g002', 'u001'].includes(user.user_id)));
    // Globex's u001 shows Globex's status; Acme's u002 does not exist in Globex.
    const globexView = (await t.request({ method: 'GET', url: `/_sysstatus/tenants/${GLOBEX}/users/u001/status` })).json();
    assert.ok(globexView.open.every((open: { system_status_id: string }) => open.system_status_id === globexStatus));
    const missing = await t.request({ method: 'GET', url: `/_sysstatus/tenants/${GLOBEX}/users/u002/status` });
    const never = await t.request({ method: 'GET', url: `/_sysstatus/tenants/${GLOBEX}/users/zz-never/status` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.body.replace('u002', '<id>'), never.body.replace('zz-never', '<id>'));
    assert.deepEqual(await t.services.store.dump(), before);
    cells += 4;
  });
});
