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

/**
 * The official SDK pointed at this server, with a token cache of its own: the SDK's shared
 * default cache judges expiry by wall time, while these tests move the server's clock.
 */
function sdkClient(world: ConsoleWorld): lark.Client {
  const cache = new Map<string | symbol, unknown>();
  return new lark.Client({
    appId: DEMO_APP_ID,
    appSecret: DEMO_APP_SECRET,
    domain: world.url,
    loggerLevel: lark.LoggerLevel.error,
    cache: {
      set: async (key, value) => (cache.set(key as string | symbol, value), true),
      get: async (key) => cache.get(key as string | symbol),
    },
  });
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
    await page.locator(`select[name=acting-app] option[value=${DEMO_APP_ID}]`).waitFor({ state: 'attached' });
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

  it('creates a status from the page through the platform API and lists it', async () => {
    await page.getByRole('button', { name: '+ 新建状态' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.locator('input[name=title]').fill('喝咖啡');
    await dialog.locator('input[name=i18n_en_us]').fill('Coffee break');
    await dialog.locator('input[name=icon_key][value=Coffee]').check();
    await dialog.locator('input[name=color][value=ORANGE]').check();
    await dialog.locator('select[name=priority]').selectOption('5');
    await dialog.locator('input[name=sync_open]').uncheck();
    await world.screenshot(page, '02-create-form');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'detached' });

    const chip = page.locator('.status-card .chip[data-icon-key=Coffee]');
    await chip.waitFor();
    assert.equal(await chip.innerText(), '喝咖啡');
    assert.equal(await chip.getAttribute('data-color'), 'ORANGE');
    assert.equal(await page.locator('.status-card').count(), 5);

    // The platform itself now lists it, as the page asked it to.
    const stored = (await world.services.store.listSystemStatuses(DEMO_TENANT_KEY)).find((status) => status.title === '喝咖啡');
    assert.ok(stored);
    assert.deepEqual(
      { icon: stored.icon_key, color: stored.color, priority: stored.priority, en: stored.i18n_title?.en_us, open: stored.sync_setting.is_open_by_default },
      { icon: 'Coffee', color: 'ORANGE', priority: 5, en: 'Coffee break', open: false },
    );
    await world.screenshot(page, '03-status-created');
  });

  it('shows the platform error when a create breaks a rule', async () => {
    await page.getByRole('button', { name: '+ 新建状态' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.locator('input[name=title]').fill('出差');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.locator('.error').waitFor();
    assert.match(await dialog.locator('.error').innerText(), /2005002/);
    await world.screenshot(page, '04-create-duplicate-error');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows an SDK batch_open live, with the chip the user now sees', async () => {
    await page.getByRole('tab', { name: '用户' }).click();
    const row = page.locator('tr[data-user-id=u001]');
    await row.waitFor();
    assert.equal(await row.locator('.col-shown .chip').count(), 0);

    const tripId = await statusIdByTitle(world, '出差');
    const client = sdkClient(world);
    const endTime = Math.floor(START / 1000) + 2 * 3600;
    const answer = await client.personal_settings.v1.systemStatus.batchOpen({
      path: { system_status_id: tripId },
      params: { user_id_type: 'user_id' },
      data: { user_list: [{ user_id: 'u001', end_time: String(endTime) as unknown as number }] },
    });
    assert.equal(answer.code, 0);
    assert.equal(answer.data?.result_list?.[0]?.result, 'success_show');

    // No reload: the event stream brings it.
    const chip = row.locator(`.col-shown .chip[data-status-id="${tripId}"]`);
    await chip.waitFor();
    assert.equal(await chip.getAttribute('data-icon-key'), 'GeneralBusinessTrip');
    assert.equal(await chip.getAttribute('data-color'), 'BLUE');
    assert.equal(await chip.innerText(), '出差');
    assert.equal(await row.locator('.countdown').innerText(), '02:00:00');
    await page.locator('.event-feed [data-event=opened]').first().waitFor();
    await world.screenshot(page, '05-sdk-batch-open-live');
  });

  it('takes the status away once the clock passes its end_time', async () => {
    const tripId = await statusIdByTitle(world, '出差');
    await page.getByRole('tab', { name: '时钟与故障' }).click();
    await page.getByRole('button', { name: '+1 小时' }).click();
    await page.locator('[data-testid=clock-now]', { hasText: '18:00:00' }).waitFor();
    await page.getByRole('button', { name: '+1 小时' }).click();
    await page.locator('[data-testid=clock-now]', { hasText: '19:00:00' }).waitFor();
    await world.screenshot(page, '06-clock-advanced');

    await page.getByRole('tab', { name: '用户' }).click();
    const row = page.locator('tr[data-user-id=u001]');
    await row.waitFor();
    await row.locator(`.chip[data-status-id="${tripId}"]`).waitFor({ state: 'detached' });
    assert.equal(await row.locator('.col-shown .chip').count(), 0);
    assert.equal(await row.locator('.col-open li').count(), 0);
    await world.screenshot(page, '07-expired');
  });

  it('hears from the emulator that the status expired and was hidden', async () => {
    await page.locator('.event-feed [data-event=expired]').first().waitFor();
    await page.locator('.event-feed [data-event=hidden]').first().waitFor();
  });

  it('opens a status for selected users from the page and shows each result', async () => {
    const row = (id: string) => page.locator(`tr[data-user-id=${id}]`);
    for (const id of ['u002', 'u003', 'u009', 'u012']) await row(id).locator('input[type=checkbox]').check();
    assert.match(await page.locator('.selected-count').innerText(), /4/);
    const tripId = await statusIdByTitle(world, '出差');
    await page.locator('select[name=batch-status]').selectOption(tripId);
    await page.locator('select[name=batch-duration]').selectOption('86400');
    await page.getByRole('button', { name: '为所选用户开启' }).click();

    const results = page.locator('.results[data-api=batch_open]');
    await results.waitFor();
    const resultOf = async (id: string) => results.locator('tr', { hasText: id }).getAttribute('data-result');
    assert.equal(await resultOf('u002'), 'success_show');
    assert.equal(await resultOf('u003'), 'success_user_close_syn'); // 王五 turned auto-open off for 出差
    assert.equal(await resultOf('u009'), 'resign_user_id');
    assert.equal(await resultOf('u012'), 'invisible_user_id');
    await row('u002').locator(`.col-shown .chip[data-status-id="${tripId}"]`).waitFor();
    // Open but not shown: the user switched sync off.
    await row('u003').locator(`.col-open .chip[data-status-id="${tripId}"]`).waitFor();
    assert.equal(await row('u003').locator('.col-shown .chip').count(), 0);
    assert.match(await row('u009').innerText(), /已离职/);
    await world.screenshot(page, '08-batch-open-results');

    await page.getByRole('button', { name: '为所选用户关闭' }).click();
    await page.locator('.results[data-api=batch_close]').waitFor();
    await row('u002').locator('.col-shown .chip').waitFor({ state: 'detached' });
  });

  it('lists the calls in the journal, filtered, with the full request and response of one', async () => {
    await page.getByRole('tab', { name: '请求日志' }).click();
    await page.locator('select[name=journal-api]').selectOption('batch_open');
    const rows = page.locator('.journal-table tbody tr[data-api]');
    await rows.first().waitFor();
    await page.locator('.journal-table tbody tr:not([data-api=batch_open])').first().waitFor({ state: 'detached' });
    assert.ok((await rows.count()) >= 3, 'the SDK call and the page calls');
    // The oldest batch_open is the SDK's, for u001.
    await rows.last().locator('button').click();
    const detail = page.locator('.journal-detail');
    await detail.locator('pre').first().waitFor();
    const [request, response] = await detail.locator('pre').allTextContents();
    assert.match(request, /"user_id": "u001"/);
    assert.match(request, /oapi-node-sdk/);
    assert.match(response, /"result": "success_show"/);
    await world.screenshot(page, '09-journal');
  });

  it('adds a fault rule that the next platform call meets, and shows it fired', async () => {
    await page.getByRole('tab', { name: '时钟与故障' }).click();
    await page.getByRole('button', { name: '添加规则' }).click();
    const rule = page.locator('.fault-list .fault').first();
    await rule.waitFor();
    assert.match(await rule.innerText(), /batch_open.*429.*99991400/s);

    const client = sdkClient(world);
    const tripId = await statusIdByTitle(world, '出差');
    const answer = await client.personal_settings.v1.systemStatus
      .batchClose({ path: { system_status_id: tripId }, params: { user_id_type: 'user_id' }, data: { user_list: ['u001'] } })
      .then(() => 'batch_close answered');
    assert.equal(answer, 'batch_close answered', 'a rule for batch_open leaves batch_close alone');
    const failed = await client.personal_settings.v1.systemStatus
      .batchOpen({
        path: { system_status_id: tripId },
        params: { user_id_type: 'user_id' },
        data: { user_list: [{ user_id: 'u001', end_time: Math.floor(world.clock.now() / 1000) + 60 }] },
      })
      .then(
        (body) => body.code,
        (error: { response?: { data?: { code?: number } } }) => error.response?.data?.code,
      );
    assert.equal(failed, 99991400);

    await page.getByRole('tab', { name: '请求日志' }).click();
    await page.getByRole('tab', { name: '时钟与故障' }).click();
    await page.locator('.fault-list .fault[data-remaining="0"]').or(page.locator('.fault-list:not(:has(.fault))')).or(page.getByText('没有故障规则')).first().waitFor();
    await world.screenshot(page, '10-fault-fired');
    await page.getByRole('tab', { name: '请求日志' }).click();
    await page.locator('input[name=journal-code]').fill('99991400');
    await page.locator('select[name=journal-api]').selectOption('');
    // The unfiltered table has batch_open rows too: wait for the filter to take effect, not for a row.
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('.journal-table tbody tr[data-api]');
      return rows.length === 1 && rows[0].getAttribute('data-api') === 'batch_open';
    });
    assert.equal(await page.locator('.journal-table tbody tr[data-api]').count(), 1);
    await page.locator('input[name=journal-code]').fill('');
  });

  it('switches between Chinese and English, interface text and i18n titles', async () => {
    await page.getByRole('tab', { name: '系统状态' }).click();
    await page.locator('.status-card').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.getByRole('button', { name: '切换为英文界面' }).click();
    await page.getByRole('tab', { name: 'System statuses' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal(await page.locator('h1').innerText(), 'sysstatus console');
    const titles = await page.locator('.status-card .chip .chip-title').allTextContents();
    assert.deepEqual(titles.slice(0, 4), ['On leave', 'On business trip', 'In a meeting', 'Working from home']);
    assert.ok(titles.includes('Coffee break'));
    await world.screenshot(page, '11-english');

    // The choice is remembered, and switching back restores Chinese.
    await page.reload();
    await page.getByRole('tab', { name: 'System statuses' }).waitFor();
    await page.getByRole('button', { name: 'Switch language to Chinese' }).click();
    await page.getByRole('tab', { name: '系统状态' }).waitFor();
  });

  it('is usable on a phone and from the keyboard', async () => {
    const phone = await world.page({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    await phone.goto(`${world.url}${CONSOLE}#users`);
    await phone.locator('tr[data-user-id=u001]').waitFor();
    await world.screenshot(phone, '12-phone-users');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no sideways scrolling on a phone');

    // Tabs follow the arrow keys.
    await phone.getByRole('tab', { name: 'Users' }).focus();
    await phone.keyboard.press('ArrowRight');
    await phone.getByRole('tab', { name: 'Journal', selected: true }).waitFor();
    await phone.keyboard.press('ArrowRight');
    await phone.keyboard.press('ArrowRight');
    await phone.getByRole('tab', { name: 'Apps & code', selected: true }).waitFor();
    const snippet = phone.locator(`[data-app-id=${DEMO_APP_ID}] pre`).first();
    assert.match(await snippet.innerText(), new RegExp(`domain: '${world.url}'`));
    await world.screenshot(phone, '13-phone-apps');
    assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  });

  it('pins the page to this server: same-origin CSP, and no foreign request was made', async () => {
    const response = await fetch(`${world.url}${CONSOLE}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "connect-src 'self'", "script-src 'self'", "style-src 'self'"]) assert.ok(csp.includes(directive), directive);
    assert.deepEqual(world.foreignRequests, []);
  });
});

