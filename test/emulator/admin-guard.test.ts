import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RouteOptions } from 'fastify';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const ADMIN = 'an-admin-token-of-some-length';

/** Every registered route under the prefix, as [method, a URL that matches it, public?]. */
function requestsUnder(routes: RouteOptions[], prefix: string): [string, string, boolean][] {
  return routes
    .filter((route) => route.url.startsWith(prefix))
    .flatMap((route) =>
      [route.method].flat().map((method): [string, string, boolean] => [
        method,
        route.url.replace(/:\w+/g, 'x').replace(/\*$/, 'x'),
        route.config?.public === true,
      ]),
    );
}

for (const mode of ['production', 'emulator'] as const) {
  describe(`the admin guard in ${mode} mode`, () => {
    let t: TestApp;
    const routes: RouteOptions[] = [];
    before(async () => {
      t = await startTestApp({ config: { mode, admin_token: ADMIN }, app: { onRoute: (route) => void routes.push(route) } });
      await t.app.ready();
    });
    after(() => t.close());

    it('stands before every route registered under /_sysstatus, the docs included; only the console files are public', async () => {
      const requests = requestsUnder(routes, '/_sysstatus');
      assert.ok(requests.length > 50, `${requests.length} routes walked`);
      assert.ok(requests.some(([, url]) => url === '/_sysstatus/docs/json'), 'the docs are walked too');
      const outsider = mode === 'production' ? {} : { remoteAddress: '10.1.2.3' };
      const refused = mode === 'production' ? 401 : 403;
      for (const [method, url, open] of requests) {
        const answer = await t.request({ method: method as 'GET', url, ...outsider });
        if (open) {
          assert.match(url, /^\/_sysstatus\/console(\/|$)/, `${method} ${url} is public`);
          assert.notEqual(answer.statusCode, refused, `${method} ${url}`);
        } else {
          assert.equal(answer.statusCode, refused, `${method} ${url} without the token: ${answer.body}`);
          if (method !== 'HEAD') assert.equal(answer.json().code, mode === 'production' ? 'unauthorized' : 'forbidden', `${method} ${url}`);
        }
      }
    });

    it(`/metrics ${mode === 'production' ? 'needs the admin token' : 'is open'}; the health probes are open`, async () => {
      const bare = await t.request({ url: '/metrics', remoteAddress: '10.1.2.3' });
      assert.equal(bare.statusCode, mode === 'production' ? 401 : 200);
      const withToken = await t.request({ url: '/metrics', remoteAddress: '10.1.2.3', headers: { authorization: `Bearer ${ADMIN}` } });
      assert.equal(withToken.statusCode, 200);
      assert.match(withToken.body, /sysstatus_requests_total/);
      for (const url of ['/healthz', '/readyz']) assert.equal((await t.request({ url, remoteAddress: '10.1.2.3' })).statusCode, 200, url);
    });
  });
}
