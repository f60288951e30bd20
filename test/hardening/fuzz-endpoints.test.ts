// Property: whatever a client sends to any endpoint, the answer is the platform's envelope with a
// code documented in docs/compatibility.md and its documented HTTP status (the gateway's plain
// 404 for unknown methods); never a 5xx; and a rejected request leaves the store exactly as it was.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { StoreDump } from '../../src/store/store.js';
import { ACME, ACME_APP, GLOBEX } from '../helpers/test-seed.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, STATUSES_URL, T0, type TestApp } from '../helpers/test-app.js';
import {
  authorization,
  batchCloseBody,
  batchOpenBody,
  contentType,
  patchBody,
  queryString,
  type Route,
  statusBody,
  statusRef,
  type StatusRef,
  TOKEN_NAMES,
  type TokenName,
} from './support/arbitraries.js';
import { fuzzParameters, report } from './support/fuzz-config.js';
import { assertEnvelope, assertGateway404, assertNo5xx, assertTokenAnswer } from './support/oracle.js';

const NOW_S = T0 / 1000;

const CREDENTIALS: Record<Exclude<TokenName, 'app_token'>, [string, string]> = {
  acme: [ACME_APP.app_id, ACME_APP.app_secret],
  acme2: ['cli_acme0000000000002', 'acme-secret-2'],
  acme_other_dev: ['cli_acme0000000000003', 'other-dev'],
  acme_no_scope: ['cli_acmenoscope000001', 'no-scope'],
  acme_no_employee: ['cli_acmenoemployee001', 'no-employee'],
  acme_store: ['cli_acmestore00000001', 'store-app'],
  globex: ['cli_globex0000000001', 'globex-secret'],
  initech: ['cli_initech000000001', 'initech-secret'],
};

const ROUTE_METHOD: Record<Route, string> = {
  create: 'POST',
  list: 'GET',
  patch: 'PATCH',
  delete: 'DELETE',
  batch_open: 'POST',
  batch_close: 'POST',
  tenant_token: 'POST',
  app_token: 'POST',
};

const RAW_BODIES = [
  '{',
  '{"user_list":',
  '[',
  'null',
  '"x"',
  '1',
  'true',
  '[]',
  '{}',
  '{"__proto__":{"polluted":1},"title":"x","icon_key":"Coffee"}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"user_list":[{"user_id":"u001","end_time":1}]}garbage',
  '\u0000',
  '\uFEFF{}',
  '{"title":"\\ud800","icon_key":"Coffee","priority":8}',
  '{"title":"a\\u0000b","icon_key":"Coffee","priority":8}',
  `${'['.repeat(4000)}${']'.repeat(4000)}`,
  `{"user_list":[${Array.from({ length: 2000 }, () => '"u001"').join(',')}]}`,
];

const bodyFor = (route: Route): fc.Arbitrary<string | undefined> => {
  const structured: Record<Route, fc.Arbitrary<unknown>> = {
    create: statusBody(),
    list: fc.constantFrom({}, { page_size: 1 }),
    patch: patchBody(),
    delete: fc.constantFrom({}, { system_status_id: '1' }),
    batch_open: batchOpenBody(NOW_S),
    batch_close: batchCloseBody(),
    tenant_token: fc.record({ app_id: fc.oneof(fc.constantFrom(ACME_APP.app_id, 'cli_unknown', ''), fc.jsonValue()), app_secret: fc.oneof(fc.constantFrom(ACME_APP.app_secret, 'wrong', ''), fc.jsonValue()) }, { requiredKeys: [] }),
    app_token: fc.record({ app_id: fc.oneof(fc.constantFrom(ACME_APP.app_id, 'cli_unknown'), fc.jsonValue()), app_secret: fc.oneof(fc.constantFrom(ACME_APP.app_secret, 'wrong'), fc.jsonValue()) }, { requiredKeys: [] }),
  };
  return fc.oneof(
    { weight: 12, arbitrary: structured[route].map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    // Past the 256 KiB limit: rare, each one is a quarter of a megabyte.
    { weight: 1, arbitrary: fc.constantFrom(0, 1).map((n) => (n ? `{"title":"${'a'.repeat(300 * 1024)}"}` : ' '.repeat(256 * 1024 + 1))) },
  );
};

interface FuzzRequest {
  route: Route;
  method: string;
  status: StatusRef;
  query: string;
  auth: ReturnType<typeof authorization> extends fc.Arbitrary<infer A> ? A : never;
  contentType: string | undefined;
  body: string | undefined;
  trailingSlash: boolean;
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .constantFrom<Route>('create', 'list', 'patch', 'delete', 'batch_open', 'batch_close', 'batch_open', 'batch_close', 'tenant_token', 'app_token')
  .chain((route) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(ROUTE_METHOD[route]) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') }),
      status: statusRef(),
      query: queryString(),
      auth: authorization(),
      contentType: contentType(),
      body: bodyFor(route),
      trailingSlash: fc.boolean(),
    }),
  );

describeEachEngine('adversarial requests to every endpoint', (engine) => {
  let t: TestApp;
  const tokens = {} as Record<TokenName, string>;
  let deletedId: string;

  before(async () => {
    t = await startTestApp({ engine });
    for (const [name, [appId, secret]] of Object.entries(CREDENTIALS)) tokens[name as TokenName] = await t.token(appId, secret);
    tokens.app_token = (
      await t.request({ method: 'POST', url: '/open-apis/auth/v3/app_access_token/internal', payload: ACME_APP })
    ).json().app_access_token;
    const created = await t.request({ method: 'POST', url: STATUSES_URL, token: tokens.acme, payload: { title: 'gone', icon_key: 'Coffee', priority: 9 } });
    deletedId = created.json().data.system_status.system_status_id;
    await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${deletedId}`, token: tokens.acme });
    assert.equal(TOKEN_NAMES.length, Object.keys(tokens).length);
  });
  after(() => t.close());

  /** Keeps Acme between 2 and 8 statuses so creates, opens and deletes keep meeting real rows. True when it wrote. */
  async function replenish(): Promise<boolean> {
    const own = await t.services.store.listSystemStatuses(ACME);
    if (own.length >= 2 && own.length <= 8) return false;
    if (own.length < 2) {
      const free = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((p) => !own.some((s) => s.priority === p)).slice(0, 3 - own.length);
      for (const priority of free) {
        const response = await t.request({ method: 'POST', url: STATUSES_URL, token: tokens.acme, payload: { title: `r${priority}-${Date.now() % 1e6}`, icon_key: 'Coffee', priority } });
        assert.equal(response.json().code, 0, response.body);
      }
    }
    if (own.length > 8) await t.request({ method: 'DELETE', url: `${STATUSES_URL}/${own[own.length - 1].system_status_id}`, token: tokens.acme });
    return true;
  }

  async function statusPath(ref: StatusRef): Promise<string> {
    if (typeof ref === 'object') return ref.raw;
    if (ref === 'deleted') return deletedId;
    const statuses = await t.services.store.listSystemStatuses(ref === 'own' ? ACME : GLOBEX);
    return statuses[0]?.system_status_id ?? '1';
  }

  async function toInject(request: FuzzRequest): Promise<InjectOptions> {
    const id = await statusPath(request.status);
    const paths: Record<Route, string> = {
      create: STATUSES_URL,
      list: STATUSES_URL,
      patch: `${STATUSES_URL}/${id}`,
      delete: `${STATUSES_URL}/${id}`,
      batch_open: `${STATUSES_URL}/${id}/batch_open`,
      batch_close: `${STATUSES_URL}/${id}/batch_close`,
      tenant_token: '/open-apis/auth/v3/tenant_access_token/internal',
      app_token: '/open-apis/auth/v3/app_access_token/internal',
    };
    const headers: Record<string, string> = {};
    if (request.auth) headers.authorization = 'raw' in request.auth ? request.auth.raw : request.auth.prefix + tokens[request.auth.token];
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    const url = `${paths[request.route]}${request.trailingSlash ? '/' : ''}${request.query ? `?${request.query}` : ''}`;
    return { method: request.method as InjectOptions['method'], url, headers, ...(request.body === undefined ? {} : { payload: request.body }) };
  }

  test('every answer is documented, none is a 5xx, and a rejected request changes nothing stored', async () => {
    const figures = { cases: 0, rejected: 0, accepted: 0, codes: new Map<number | string, number>() };
    // The state after one case is the state before the next, unless replenish() wrote.
    let known: StoreDump | undefined;
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        if ((await replenish()) || !known) known = await t.services.store.dump();
        const stateBefore = known;
        known = undefined;
        const options = await toInject(request);
        const what = `${options.method} ${options.url} (${request.contentType}) ${String(request.body).slice(0, 120)}`;
        const response = await t.app.inject(options);
        figures.cases++;
        // An empty id collapses the doubled slash, ".." (or "%2e%2e") climbs a segment: the URL names
        // another path, which the gateway does not know.
        const suffix = request.route === 'batch_open' || request.route === 'batch_close' ? `/${request.route}` : '';
        const pathname = new URL(String(options.url), 'http://localhost').pathname.replace(/\/+/g, '/').replace(/\/$/, '');
        const emptyId = Boolean(suffix || request.route === 'patch' || request.route === 'delete') && !new RegExp(`^${STATUSES_URL}/[^/]+${suffix}$`).test(pathname);
        const rightMethod = request.method === ROUTE_METHOD[request.route] && !emptyId;
        let code: number | string;
        if (!rightMethod) {
          assertNo5xx(response, what);
          if (request.method === 'HEAD') {
            // HEAD of a GET route: the GET's status with no body; of anything else, the gateway's 404.
            assert.equal(response.body, '', what);
            code = `HEAD ${response.statusCode}`;
          }
          else if (response.headers['content-type']?.toString().startsWith('text/plain')) {
            assertGateway404(response, what);
            code = 404;
          } else code = assertEnvelope(response, what).code; // the same path under another method (create/list, patch/delete)
        } else if (request.route === 'tenant_token' || request.route === 'app_token') {
          code = assertTokenAnswer(response, what).code;
        } else {
          const body = assertEnvelope(response, what);
          code = body.code;
          if (body.code === 0 && (request.route === 'batch_open' || request.route === 'batch_close')) {
            const sent = (JSON.parse(request.body ?? '{}') as { user_list: unknown[] }).user_list;
            assert.equal((body.data as { result_list: unknown[] }).result_list.length, sent.length, `${what}: one result per entry`);
          }
        }
        figures.codes.set(code, (figures.codes.get(code) ?? 0) + 1);
        const accepted = code === 0 || (typeof code === 'string' && code.includes('200'));
        const stateAfter = await t.services.store.dump();
        if (accepted) figures.accepted++;
        else {
          figures.rejected++;
          assert.deepEqual(stateAfter, stateBefore, `${what}: a rejected request (${code}) changed the store`);
        }
        known = stateAfter;
      }),
      fuzzParameters(600),
    );
    report(`fuzz ${engine} cases`, figures.cases);
    report(`fuzz ${engine} rejected (state compared)`, figures.rejected);
    report(`fuzz ${engine} accepted`, figures.accepted);
    report(`fuzz ${engine} codes`, JSON.stringify(Object.fromEntries([...figures.codes].sort((a, b) => b[1] - a[1]))));
    // The generators must reach every layer: gateway refusals, parameter errors and successes.
    for (const expected of [0, 2005001, 99991661, 99991663, 99991672, 2005007]) assert.ok(figures.codes.has(expected), `no case answered ${expected}`);
  });
});
