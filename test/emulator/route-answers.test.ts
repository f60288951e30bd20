import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { SCOPES } from '../../src/domain/apis.js';
import { routeAnswers } from '../../src/emulator/route-answers.js';
import { STATUSES_URL, startTestApp, type TestApp } from '../helpers/test-app.js';
import { ACME, ACME_APP } from '../helpers/test-seed.js';

interface Answer {
  route: string;
  status: number;
  type: string;
  payload: string;
}

/** The schema the OpenAPI document gives a route's status: the exact code, else its class (4xx, 5xx). */
function declared(route: RouteOptions, status: number): TSchema | undefined {
  const response = routeAnswers(route);
  return response[status] ?? response[`${Math.floor(status / 100)}xx`] ?? response.default;
}

function bodyOf(answer: Answer): unknown {
  if (answer.payload === '') return null;
  return answer.type.startsWith('application/json') && answer.payload !== '<stream>' ? JSON.parse(answer.payload) : answer.payload;
}

/** Every route is described, and every answer a route gives (success and errors) fits what it declares. */
describe('response schemas', () => {
  let t: TestApp;
  const routes = new Map<string, RouteOptions>();
  const answers: Answer[] = [];
  const key = (method: string, url: string) => `${method} ${url}`;

  before(async () => {
    t = await startTestApp({
      config: { admin_token: 'an-admin-token-of-some-length' },
      app: {
        onRoute(route) {
          for (const method of [route.method].flat()) routes.set(key(method, route.url), route);
          // A route-level hook sees each answer as it is written.
          const record = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
            // A stream (a static file) is described as text; its bytes are the file's.
            const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload ? '<stream>' : '';
            answers.push({ route: key(request.method, route.url), status: reply.statusCode, type: String(reply.getHeader('content-type') ?? ''), payload: text });
            return payload;
          };
          route.onSend = [...[route.onSend ?? []].flat(), record];
        },
      },
    });
  });
  after(() => t.close());

  it('every registered route declares its answers', async () => {
    await t.app.ready();
    for (const [name, route] of routes) {
      if (name.startsWith('HEAD ')) continue;
      assert.ok(Object.keys(routeAnswers(route)).some((status) => /^[23]/.test(status)), `${name} declares no success answer`);
    }
  });

  it("each route's answers validate against its declared schemas", async () => {
    const token = await t.token(ACME_APP.app_id, ACME_APP.app_secret);
    const call = (method: string, url: string, payload?: unknown, headers?: Record<string, string>) =>
      t.request({ method: method as 'GET', url, ...(payload === undefined ? {} : { payload: payload as object }), ...(headers ? { headers } : {}) });
    const api = (method: string, url: string, payload?: unknown) => t.request({ method: method as 'GET', url, token, ...(payload === undefined ? {} : { payload: payload as object }) });

    // The platform: successes and errors of each API.
    const id = (await api('GET', STATUSES_URL)).json().data.items[0].system_status_id;
    await api('POST', STATUSES_URL, { title: 'Fresh', icon_key: 'GeneralVacation', priority: 7 });
    await api('POST', STATUSES_URL, { title: 'x', icon_key: 'nope' });
    await call('GET', STATUSES_URL);
    await api('PATCH', `${STATUSES_URL}/${id}`, { system_status: { title: 'Renamed' }, update_fields: ['TITLE'] });
    await api('POST', `${STATUSES_URL}/${id}/batch_open?user_id_type=user_id`, { user_list: [{ user_id: 'u001', end_time: '1767229200' }, { user_id: 'zz', end_time: 1767229200 }] });
    await api('POST', `${STATUSES_URL}/${id}/batch_close?user_id_type=user_id`, { user_list: ['u001'] });
    const created = await api('POST', STATUSES_URL, { title: 'Doomed', icon_key: 'GeneralVacation', priority: 8 });
    await api('DELETE', `${STATUSES_URL}/${created.json().data.system_status.system_status_id}`);
    await api('DELETE', `${STATUSES_URL}/nope`);
    await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: ACME_APP.app_id, app_secret: 'wrong' });
    await call('POST', '/open-apis/auth/v3/tenant_access_token/internal', {});
    await call('POST', '/open-apis/auth/v3/app_access_token/internal', ACME_APP);
    const reader = (await call('POST', `/_sysstatus/tenants/${ACME}/apps`, { scopes: [SCOPES.contact_base, SCOPES.user_base, SCOPES.employee_id] })).json();
    const readerToken = await t.token(reader.app_id, reader.app_secret);
    await t.request({ url: '/open-apis/contact/v3/users/u001?user_id_type=user_id', token: readerToken });
    await t.request({ url: '/open-apis/contact/v3/users/batch?user_id_type=user_id&user_ids=u001&user_ids=u002', token: readerToken });
    await t.request({ url: '/open-apis/contact/v3/users/nobody?user_id_type=user_id', token: readerToken });

    // Operations.
    for (const url of ['/healthz', '/readyz', '/metrics']) await call('GET', url);

    // The control surface, each route once at least, and its errors.
    const c = (path: string) => `/_sysstatus${path}`;
    await call('GET', c(''));
    await call('GET', c('/openapi.json'));
    for (const path of ['/docs', '/docs/json', '/docs/yaml', '/docs/static/index.html', '/docs/static/swagger-initializer.js', '/docs/static/swagger-ui.css']) await call('GET', c(path));
    await call('GET', c('/console'));
    await call('GET', c('/console/assets/console.js'));
    await call('GET', c('/console/assets/nothing.js'));
    await call('GET', c(`/apps/${ACME_APP.app_id}/users?page_size=2`));
    await call('GET', c(`/tenants/${ACME}/users/u001/status`));
    await call('GET', c('/tenants'));
    const tenant = (await call('POST', c('/tenants'), { name: 'Schema Corp', apps: [{}], users: [{ user_id: 's1' }], system_statuses: [{ title: 'Away', icon_key: 'GeneralVacation' }] })).json();
    const tk = tenant.tenant_key;
    await call('POST', c('/tenants'), { tenant_key: tk, name: 'again' });
    await call('GET', c(`/tenants/${tk}`));
    await call('PATCH', c(`/tenants/${tk}`), { name: 'Schema Inc' });
    await call('GET', c(`/tenants/${tk}/system_statuses`));
    await call('GET', c(`/tenants/${tk}/apps`));
    const app = (await call('POST', c(`/tenants/${tk}/apps`), {})).json();
    await call('GET', c(`/apps/${app.app_id}`));
    await call('PATCH', c(`/apps/${app.app_id}`), { name: 'renamed' });
    await call('POST', c(`/apps/${app.app_id}/token`), {});
    await call('DELETE', c(`/apps/${app.app_id}`));
    await call('GET', c(`/apps/${app.app_id}`));
    await call('GET', c(`/tenants/${tk}/users?page_size=1`));
    await call('POST', c(`/tenants/${tk}/users`), { user_id: 's2', name: 'Two' });
    await call('GET', c(`/tenants/${tk}/users/s2`));
    await call('PATCH', c(`/tenants/${tk}/users/s2`), { name: 'Deux' });
    await call('POST', c(`/tenants/${tk}/users/s2/resign`));
    await call('POST', c(`/tenants/${tk}/users/s2/reinstate`));
    await call('PUT', c(`/tenants/${tk}/users/s1/sync/${tenant.system_statuses[0].system_status_id}`), { sync_on: false });
    await call('DELETE', c(`/tenants/${tk}/users/s2`));
    await call('GET', c('/clock'));
    await call('POST', c('/clock'), { action: 'advance', ms: 1000 });
    await call('POST', c('/clock'), { action: 'bogus' });
    const rule = (await call('POST', c('/faults'), { api: 'list', times: 1, response: { status: 500, code: 99991500, msg: 'boom' } })).json();
    await call('GET', c('/faults'));
    await call('GET', c(`/faults/${rule.id}`));
    await api('GET', STATUSES_URL);
    await call('DELETE', c(`/faults/${rule.id}`));
    await call('DELETE', c('/faults'));
    await call('GET', c('/journal?limit=5'));
    await call('GET', c('/journal/count'));
    await call('DELETE', c('/journal'));
    await call('GET', c(`/tenants/${ACME}/events/history`));
    const snapshot = (await call('GET', c('/snapshot'))).json();
    await call('POST', c('/snapshot'), snapshot);
    await call('POST', c('/reset'), {});
    await call('DELETE', c(`/tenants/${tk}`));
    await call('GET', c('/tenants'), undefined, { authorization: 'Bearer wrong-token-of-some-length' });

    const checked = new Set<string>();
    for (const answer of answers) {
      const route = routes.get(answer.route)!;
      const schema = declared(route, answer.status);
      assert.ok(schema, `${answer.route} answered ${answer.status}, which it does not declare`);
      const check = Compile(schema);
      const body = bodyOf(answer);
      assert.ok(check.Check(body), `${answer.route} ${answer.status}: ${JSON.stringify([...check.Errors(body)].slice(0, 3))} in ${answer.payload.slice(0, 300)}`);
      checked.add(answer.route);
    }
    // The event stream is hijacked (written straight to the socket): nothing to check but its history.
    const unchecked = [...routes.keys()].filter((name) => !name.startsWith('HEAD ') && !checked.has(name) && name !== 'GET /_sysstatus/tenants/:tenant_key/events');
    assert.deepEqual(unchecked, [], 'every route answered at least once');
  });
});
