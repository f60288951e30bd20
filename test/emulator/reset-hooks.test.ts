import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ResetHooks } from '../../src/emulator/reset-hooks.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { describeEachEngine } from '../helpers/test-store.js';
import { control } from './helpers.js';

it('runs every before, then every reset, then every after, in registration order; kept parts are skipped whole', async () => {
  const calls: string[] = [];
  const hooks = new ResetHooks();
  const step = (name: string) => () => void calls.push(name);
  hooks.register({ part: 'clock', before: step('clock.before'), reset: step('clock.reset'), after: step('clock.after') });
  hooks.register({ reset: step('store.reset'), after: step('store.after') });
  hooks.register({ part: 'journal', before: step('journal.before'), reset: step('journal.reset') });
  await hooks.run();
  assert.deepEqual(calls, ['clock.before', 'journal.before', 'clock.reset', 'store.reset', 'journal.reset', 'clock.after', 'store.after']);
  calls.length = 0;
  await hooks.run(new Set(['clock']));
  assert.deepEqual(calls, ['journal.before', 'store.reset', 'journal.reset', 'store.after']);
});

describeEachEngine('reset hooks of the emulator', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ engine });
  });
  after(() => t.close());

  it('a hook registered with onReset runs around the reset, seeing the state before and after it', async () => {
    const emulator = t.app.emulator;
    const seen: string[] = [];
    const tenants = async () => (await t.services.store.listTenants()).length;
    emulator.onReset({ before: async () => void seen.push(`before: ${await tenants()} tenants`), after: async () => void seen.push(`after: ${await tenants()} tenants`) });
    await control(t, 'POST', '/tenants', { name: 'Extra' });
    assert.equal((await control(t, 'POST', '/reset')).statusCode, 200);
    assert.deepEqual(seen, ['before: 4 tenants', 'after: 3 tenants']);
  });
});
