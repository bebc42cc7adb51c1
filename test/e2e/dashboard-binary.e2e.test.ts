/**
 * The dashboard from the compiled executable alone in an empty folder (as test/binary.test.ts
 * runs it: where the test may, the repository is hidden under an empty tmpfs, so nothing can be
 * read from node_modules or src): the page, its assets and the API it calls, rendered in headless
 * Chromium behind basic auth, with no request to another host and no console error.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../../scripts/build';
import { TestBrowser } from '../support/browser';
import { chromiumPath, type Started, startProcess } from '../support/process';

const KEY = 'binary-dashboard-key';
const BASIC = { username: 'admin', password: 'binary-pass' };
let dir = '';
let service: Started | undefined;
let browser: TestBrowser | undefined;

const canHideRepo = () => process.getuid?.() === 0 && Bun.spawnSync(['unshare', '-m', 'true']).exitCode === 0;

beforeAll(async () => {
  const built = await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wabun-binary-dash-'));
  const exe = join(dir, 'wabun');
  copyFileSync(built.outfile, exe);
  chmodSync(exe, 0o755);
  const cmd = canHideRepo() ? ['unshare', '-m', 'sh', '-c', 'mount -t tmpfs none "$1" && exec "$2"', 'sh', ROOT, exe] : [exe];
  service = await startProcess(cmd, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      PORT: '0',
      WHATSAPP_API_HOSTNAME: '127.0.0.1',
      WAHA_API_KEY: KEY,
      WAHA_DASHBOARD_PASSWORD: BASIC.password,
      WAHA_LOCAL_STORE_BASE_DIR: join(dir, 'data'),
      PUPPETEER_EXECUTABLE_PATH: chromiumPath(),
      MEMORY_SAMPLE_INTERVAL_MS: '500',
    },
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  service?.kill();
  await service?.proc.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('dist/wabun in an empty folder serves the dashboard: sign in, sessions, memory chart — same origin, no console error', async () => {
  const base = `http://127.0.0.1:${service!.port}`;
  expect((await fetch(`${base}/dashboard`)).status).toBe(401);

  browser = await TestBrowser.launch({ width: 1024, height: 800 });
  const page = browser.page;
  await page.authenticate(BASIC);
  await page.goto(`${base}/dashboard`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#api-key', { visible: true });
  await page.type('#api-key', KEY);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('p.empty')?.textContent?.includes('No sessions yet'), { timeout: 20_000 });
  await page.waitForSelector('.live-open', { timeout: 20_000 });
  await browser.shot('binary-sessions');

  await page.evaluate(() => (location.hash = '#/memory'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="memory-chart"] path').length >= 2, { timeout: 20_000 });
  await browser.shot('binary-memory');

  await page.evaluate(() => (location.hash = '#/webhooks'));
  await page.waitForFunction(() => document.body.textContent?.includes('No webhook has received an event yet.'), { timeout: 20_000 });

  expect(browser.foreign(base)).toEqual([]);
  expect(browser.requests.filter((u) => u.startsWith(`${base}/dashboard/app.`)).length).toBeGreaterThanOrEqual(2);
  expect(browser.problems()).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
  expect(browser.failed).toEqual([]);
  console.log(`[binary] dashboard screenshots: ${browser.shotsDir}`);
}, 120_000);
