// The console in a real browser (Debian's chromium through playwright-core), against a real
// sysstatus server with the demo tenant. Each test saves a screenshot under test-output/console/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Page } from 'playwright-core';
import { HUES } from '../../src/console/web/colors.js';
import { DEMO_APP_ID, DEMO_APP_SECRET, DEMO_TENANT_KEY } from '../../src/seed/demo-seed.js';
import { startConsoleWorld, START, type ConsoleWorld } from './browser-harness.js';

const CONSOLE = '/_sysstatus/console';

const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

async function statusIdByTitle(world: ConsoleWorld, title: string): Promise<string> {
  const statuses = await world.services.store.listSystemStatuses(DEMO_TENANT_KEY);
  const found = statuses.find((status) => status.title === title);
  assert.ok(found, `status ${title} exists`);
  return found.system_status_id;
}

describe('web console', () => {
  let world: ConsoleWorld;
  let page: Page;

  before(async () => {
    world = await startConsoleWorld();
    page = await world.page();
  });
  after(async () => {
    await world?.close();
  });

  it('opens on the demo tenant and draws its statuses as Feishu chips', async () => {
    await page.goto(`${world.url}${CONSOLE}`);
    await page.locator('select[name=tenant]').getByText(DEMO_TENANT_KEY, { exact: false }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('select[name=tenant]').inputValue(), DEMO_TENANT_KEY);
    assert.equal(await page.locator('select[name=acting-app]').inputValue(), DEMO_APP_ID);

    const cards = page.locator('.status-card');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 4);
    // In Chinese, the zh_cn i18n titles; in priority order.
    assert.deepEqual(await page.locator('.status-card .chip .chip-title').allTextContents(), ['请假', '出差', '会议中', '居家办公']);

    const leave = page.locator('.status-card .chip[data-icon-key=GeneralVacation]');
    assert.equal(await leave.getAttribute('data-color'), 'GREEN');
    assert.equal(await leave.evaluate((el) => getComputedStyle(el).backgroundColor), rgb(HUES.GREEN.bg));
    assert.equal(await leave.evaluate((el) => getComputedStyle(el).color), rgb(HUES.GREEN.text));
    assert.equal(await leave.locator('svg[data-icon=GeneralVacation] *').count() > 0, true);
    // The sync setting of 居家办公 is off by default.
    const wfh = page.locator('.status-card', { has: page.locator('[data-icon-key=GeneralWorkFromHome]') });
    assert.match(await wfh.innerText(), /默认关闭/);
    await world.screenshot(page, '01-demo-tenant-statuses');
  });
});
