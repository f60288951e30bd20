import assert from 'node:assert/strict';
import * as lark from '@larksuiteoapi/node-sdk';
import { after, before, it } from 'node:test';
import { SCOPES } from '../../src/domain/apis.js';
import { openIdOf, startTestApp, type TestApp, unionIdOf } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { ACME, GLOBEX } from '../helpers/test-seed.js';
import { control } from './helpers.js';

const USERS = '/open-apis/contact/v3/users';
const READER = [SCOPES.contact_base, SCOPES.user_base, SCOPES.employee_id];

describeEachEngine('contact/v3 user reads', (engine) => {
  let t: TestApp;
  let reader: { app_id: string; token: string };
  let narrow: { app_id: string; token: string };
  before(async () => {
    t = await startTestApp({ engine });
    const make = async (body: object) => {
      const app = (await control(t, 'POST', `/tenants/${ACME}/apps`, body)).json();
      return { app_id: app.app_id, token: await t.token(app.app_id, app.app_secret) };
    };
    reader = await make({ app_id: 'cli_acmereader0000001', developer: 'acme', scopes: READER, contact_scope: ['u001', 'u002', 'u004'] });
    narrow = await make({ app_id: 'cli_acmenarrow0000001', type: 'store', developer: 'isv', scopes: [SCOPES.contact_base] });
  });
  after(() => t.close());

  it('gets a user by open_id, union_id and user_id', async () => {
    const byOpenId = await t.request({ url: `${USERS}/${openIdOf(reader.app_id, ACME, 'u001')}`, token: reader.token });
    assert.deepEqual(byOpenId.json(), {
      code: 0,
      msg: 'success',
      data: {
        user: {
          union_id: unionIdOf('acme', ACME, 'u001'),
          user_id: 'u001',
          open_id: openIdOf(reader.app_id, ACME, 'u001'),
          name: '张三',
          status: { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false },
        },
      },
    });
    const byUnion = await t.request({ url: `${USERS}/${unionIdOf('acme', ACME, 'u002')}?user_id_type=union_id`, token: reader.token });
    assert.equal(byUnion.json().data.user.user_id, 'u002');
    const resigned = await t.request({ url: `${USERS}/u004?user_id_type=user_id`, token: reader.token });
    assert.equal(resigned.json().data.user.status.is_resigned, true);
  });

  it('shows name and user_id only with their field scopes; store apps may read', async () => {
    const answer = await t.request({ url: `${USERS}/${openIdOf(narrow.app_id, ACME, 'u001')}`, token: narrow.token });
    const user = answer.json().data.user;
    assert.equal(user.open_id, openIdOf(narrow.app_id, ACME, 'u001'));
    assert.equal(user.name, undefined);
    assert.equal(user.user_id, undefined);
    const byUserId = await t.request({ url: `${USERS}/u001?user_id_type=user_id`, token: narrow.token });
    assert.equal(byUserId.json().code, 99991672);
  });

  it('answers the platform errors: scope, unknown, cross tenant, contact scope, bad parameters', async () => {
    const statusApp = (await control(t, 'POST', `/tenants/${ACME}/apps`, {})).json();
    const statusToken = await t.token(statusApp.app_id, statusApp.app_secret);
    const noScope = (await t.request({ url: `${USERS}/x`, token: statusToken })).json();
    assert.equal(noScope.code, 99991672);
    assert.deepEqual(
      noScope.error.permission_violations.map((violation: { subject: string }) => violation.subject),
      [SCOPES.contact_base, SCOPES.contact_access_as_app, SCOPES.contact_readonly, SCOPES.contact_readonly_as_app],
    );
    const cases: [string, number, number][] = [
      [`${USERS}/ou_00000000000000000000000000000000`, 400, 99992360],
      [`${USERS}/${unionIdOf('acme', GLOBEX, 'u001')}?user_id_type=union_id`, 400, 99992381],
      [`${USERS}/u003?user_id_type=user_id`, 400, 41050],
      [`${USERS}/u001?user_id_type=lark_id`, 400, 99992402],
    ];
    for (const [url, status, code] of cases) {
      const answer = await t.request({ url, token: reader.token });
      assert.deepEqual([answer.statusCode, answer.json().code], [status, code], url);
      assert.equal(answer.json().error.log_id, answer.headers['x-tt-logid']);
    }
  });

  it('batch answers the visible users in the order asked, each once', async () => {
    const ids = ['u002', 'u003', 'nobody', 'u001', 'u002'];
    const query = ids.map((id) => `user_ids=${id}`).join('&');
    const answer = await t.request({ url: `${USERS}/batch?user_id_type=user_id&${query}`, token: reader.token });
    assert.deepEqual(answer.json().data.items.map((user: { user_id: string }) => user.user_id), ['u002', 'u001']);
    const one = await t.request({ url: `${USERS}/batch?user_ids=${openIdOf(reader.app_id, ACME, 'u001')}`, token: reader.token });
    assert.equal(one.json().data.items.length, 1);
    const tooMany = Array.from({ length: 51 }, (_, i) => `user_ids=u${i}`).join('&');
    assert.equal((await t.request({ url: `${USERS}/batch?user_id_type=user_id&${tooMany}`, token: reader.token })).json().code, 99992402);
    assert.equal((await t.request({ url: `${USERS}/batch`, token: reader.token })).json().code, 99992402);
  });

  it('the official Node SDK reads users through it', async () => {
    const app = (await control(t, 'POST', `/tenants/${ACME}/apps`, { scopes: READER })).json();
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const client = new lark.Client({ appId: app.app_id, appSecret: app.app_secret, domain: url, loggerLevel: lark.LoggerLevel.error });
    const one = await client.contact.v3.user.get({ path: { user_id: 'u001' }, params: { user_id_type: 'user_id' } });
    assert.equal(one.data?.user?.name, '张三');
    const many = await client.contact.v3.user.batch({ params: { user_ids: ['u003', 'u001'], user_id_type: 'user_id' } });
    assert.deepEqual(many.data?.items?.map((user) => user.user_id), ['u003', 'u001']);
  });

  it('journals contact reads and lets faults target them', async () => {
    await control(t, 'DELETE', '/journal');
    await control(t, 'POST', '/faults', { api: 'contact_user_get', times: 1, response: { status: 400, code: 41050, msg: 'no user authority error' } });
    const url = `${USERS}/u001?user_id_type=user_id`;
    assert.equal((await t.request({ url, token: reader.token })).json().code, 41050);
    assert.equal((await t.request({ url, token: reader.token })).json().code, 0);
    assert.equal((await control(t, 'GET', `/journal/count?api=contact_user_get&app_id=${reader.app_id}`)).json().count, 2);
  });
});
