import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { describeEachEngine } from '../helpers/test-store.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ACME } from '../helpers/test-seed.js';

describeEachEngine('keys no engine can store', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  test('look-ups by text with U+0000 or a lone surrogate find nothing instead of failing', async () => {
    for (const bad of ['a\u0000b', 'a\ud800b']) {
      assert.equal(await t.services.store.getTenant(bad), undefined);
      assert.equal(await t.services.store.getApp(bad), undefined);
      assert.equal(await t.services.store.getUser(ACME, bad), undefined);
      assert.equal(await t.services.store.getUser(bad, 'u001'), undefined);
    }
    const response = await t.request({ method: 'GET', url: '/_sysstatus/apps/cli_%00/users' });
    assert.equal(response.statusCode, 404);
  });
});
