import assert from 'node:assert/strict';
import { test } from 'node:test';
import { banner } from '../../src/cli/banner.js';

const tenant = {
  tenant_key: '736588c9260f175d',
  name: 'Acme',
  created: true,
  apps: [{ app_id: 'cli_a1b2c3d4e5f60718', app_secret: 's3cret', type: 'custom', developer: 'acme' }],
  pending_sync_off: [{ user_id: 'u003', title: '外出' }],
};

test('the start banner lists sync_off titles that no status has yet, so a typo is visible', () => {
  const text = banner('http://localhost:8080', 'in memory', [tenant]);
  assert.match(text, /u003 turns off sync for "外出": no status has that title yet; it applies when one is created/);
  assert.doesNotMatch(banner('http://localhost:8080', 'in memory', [{ ...tenant, pending_sync_off: [] }]), /turns off sync/);
});
