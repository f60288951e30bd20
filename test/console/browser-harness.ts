// The browser tests' world: a sysstatus server on a free port with the demo tenant, a fresh
// build of the console's assets, and Debian's chromium driven by playwright-core.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.js';
import { ControlledClock } from '../../src/clock.js';
import { makeConfig } from '../../src/config.js';
import { buildConsoleAssets } from '../../src/console/build-web.js';
import type { App } from '../../src/http/types.js';
import type { Services } from '../../src/operations/context.js';
import { applySeed } from '../../src/operations/provisioning.js';
import { DEMO_SEED } from '../../src/seed/demo-seed.js';
import { createServices } from '../../src/services.js';
import { createTestStore } from '../helpers/test-store.js';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-output/console/', import.meta.url);

// Without a CJK font the screenshots show Chinese as empty boxes.
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';

/** Installs Debian's chromium and a CJK font when missing (the tests run as root in their container). */
export function ensureChromium(): void {
  const missing = [
    ...(existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(existsSync(CJK_FONT) ? [] : ['fonts-wqy-zenhei']),
  ];
  if (missing.length === 0) return;
  execSync(`apt-get update && apt-get install -y ${missing.join(' ')}`, { stdio: 'inherit' });
}

export interface ConsoleWorld {
  url: string;
  app: App;
  services: Services;
  clock: ControlledClock;
  browser: Browser;
  /** A new page in its own context (language, viewport). */
  page(options?: { locale?: string; viewport?: { width: number; height: number } }): Promise<Page>;
  screenshot(page: Page, name: string): Promise<string>;
  /** Requests the pages tried to make anywhere but this server (blocked, and to be asserted empty). */
  foreignRequests: string[];
  close(): Promise<void>;
}

/** 2026-03-02T09:00:00Z: the clock runs frozen from here unless a test moves it. */
export const START = Date.UTC(2026, 2, 2, 9);

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  ensureChromium();
  await buildConsoleAssets();
  const store = await createTestStore('sqlite');
  const clock = new ControlledClock();
  clock.freeze(START);
  const config = makeConfig({ rate_limits: false });
  const services = createServices(store, config, clock);
  await applySeed(services, DEMO_SEED);
  const app = await buildApp({ config, services });
  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('[::1]', '127.0.0.1');

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const contexts: BrowserContext[] = [];
  const foreignRequests: string[] = [];
  mkdirSync(SCREENSHOTS, { recursive: true });

  return {
    url,
    app,
    services,
    clock,
    browser,
    foreignRequests,
    async page({ locale = 'zh-CN', viewport = { width: 1366, height: 900 } } = {}) {
      const context = await browser.newContext({ locale, viewport, timezoneId: 'Asia/Shanghai' });
      contexts.push(context);
      const page = await context.newPage();
      // Every request the page makes must stay on this server.
      await context.route('**/*', (route) => {
        const target = route.request().url();
        if (target.startsWith(`${url}/`) || target.startsWith('data:')) return route.continue();
        foreignRequests.push(target);
        return route.abort();
      });
      return page;
    },
    async screenshot(page, name) {
      const path = new URL(`${name}.png`, SCREENSHOTS).pathname;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await app.close();
      await store.close();
    },
  };
}
