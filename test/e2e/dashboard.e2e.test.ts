/**
 * The dashboard in real headless Chromium against the real service (real engine, real Chromium
 * for the session, the WhatsApp Web simulator, a real webhook receiver): sign in behind basic
 * auth, create a session with a webhook through the form, see the QR (and its replacement when
 * WhatsApp rotates it), see WORKING, send a text and a file, see the echo arrive live, replay
 * the dead-lettered webhook of that echo, then the memory chart, the event monitor and the
 * sessions table at 360 px. Every request the page makes goes to the service's origin; no
 * console error or warning, no page error. Screenshots are saved to a folder the test prints.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { DEFAULT_ME, simContactId } from '../sim/index';
import { TestBrowser } from '../support/browser';
import type { RunningService } from '../support/service';
import { decodeQrPng, reach } from '../support/waits';
import { deadPort, hmacOf, Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const KEY = 'dashboard-e2e-key';
const BASIC = { username: 'ops', password: 'dash-pass' };
const S = 'dash';
const PEER = simContactId(1);
const HMAC = 'e2e-hmac-key';
let world: E2eWorld;
let svc: RunningService;
let receiver: Receiver;
let browser: TestBrowser;
/** The receiver answers 500 until the test turns it up. */
let receiverUp = false;

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver(() => new Response(null, { status: receiverUp ? 204 : 500 }));
  svc = await world.start({
    WAHA_NO_API_KEY: 'false',
    WAHA_API_KEY: KEY,
    WAHA_DASHBOARD_USERNAME: BASIC.username,
    WAHA_DASHBOARD_PASSWORD: BASIC.password,
    MEMORY_SAMPLE_INTERVAL_MS: '1000',
    GC_INTERVAL_MS: '1000',
  });
  browser = await TestBrowser.launch();
  console.log(`[e2e] dashboard screenshots: ${browser.shotsDir}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await receiver?.stop();
  await world?.dispose();
});

/** Waits for a visible `selector`, or for one whose text contains `text`; returns it. */
async function see(selector: string, text?: string, timeout = 30_000): Promise<ElementHandle<Element>> {
  const page = browser.page;
  if (text === undefined) return (await page.waitForSelector(selector, { timeout, visible: true }))!;
  const handle = await page.waitForFunction(
    (sel, t) => Array.from(document.querySelectorAll(sel)).find((el) => (el.textContent ?? '').includes(t)),
    { timeout },
    selector,
    text,
  );
  return handle.asElement() as ElementHandle<Element>;
}

const go = (hash: string) => browser.page.evaluate((h) => (location.hash = h), hash);

test('sign in, create, QR, WORKING, send, echo, replay a dead letter — same origin only, no console error', async () => {
  const page = browser.page;
  const origin = svc.url.origin;
  await page.authenticate(BASIC);

  // Sign in: the page asks for the key once.
  await page.goto(`${origin}/dashboard`, { waitUntil: 'networkidle0' });
  await see('#api-key');
  await browser.shot('login');
  await page.type('#api-key', KEY);
  await page.keyboard.press('Enter');
  await see('h2', 'Sessions');
  await see('.live-open');
  expect(await page.evaluate(() => sessionStorage.getItem('wabun.apiKey'))).toBe(KEY);

  // Create a session with a webhook (message events only, no retries: a 500 dead-letters at once).
  await page.click('a[href="#/new"]');
  await see('#s-name');
  await page.$eval('#s-name', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('#s-name', S);
  await (await see('button', 'Add a webhook')).click();
  await see('#h0-url');
  await page.type('#h0-url', receiver.url);
  // Default events are message and session.status: keep message only.
  await page.evaluate(() => {
    for (const label of Array.from(document.querySelectorAll('fieldset.events label'))) {
      if (!label.closest('fieldset.hook')?.querySelector('#h0-url')) continue;
      if (label.textContent?.trim() === 'session.status') (label.querySelector('input') as HTMLInputElement).click();
    }
  });
  await page.type('#h0-hmac', HMAC);
  await page.$eval('#h0-attempts', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('#h0-attempts', '0');
  // A second webhook whose receiver is down, retried every 10 minutes: it shows as failing.
  await (await see('button', 'Add a webhook')).click();
  await see('#h1-url');
  await page.type('#h1-url', `http://127.0.0.1:${await deadPort()}/down`);
  await page.select('#h1-policy', 'constant');
  await page.$eval('#h1-delay', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('#h1-delay', '600');
  await page.$eval('#h1-attempts', (el) => ((el as HTMLInputElement).value = ''));
  await page.type('#h1-attempts', '5');
  await page.type('#s-meta', 'team=ops');
  await browser.shot('create-form');
  world.allowControl(S);
  const simPage = world.sim.nextPage();
  await (await see('button', 'Create session')).click();

  // The QR, as a picture of the session's current QR string.
  await see('img[alt="QR code to link this session"]');
  const sim = world.sim.control((await simPage).profileId);
  await reach(svc.sessions, S, 'SCAN_QR_CODE', 30_000);
  const qrOf = () => page.$eval('img[alt="QR code to link this session"]', (el) => (el as HTMLImageElement).src);
  expect(decodeQrPng(Buffer.from((await qrOf()).split(',')[1]!, 'base64'))).toBe(await svc.sessions.qr(S));
  await see('.answer', 'POST /api/sessions');
  await browser.shot('qr');

  // WhatsApp rotates the QR: the page shows the new one.
  const first = await qrOf();
  await sim.refreshQr();
  await page.waitForFunction(
    (old) => (document.querySelector('img[alt="QR code to link this session"]') as HTMLImageElement | null)?.src !== old,
    { timeout: 30_000 },
    first,
  );
  expect(decodeQrPng(Buffer.from((await qrOf()).split(',')[1]!, 'base64'))).toBe(await svc.sessions.qr(S));
  await see('[data-testid="rotations"]', 'Replaced');

  // The phone scans: WORKING, with the account.
  await sim.scan();
  await see('[data-testid="working"]', DEFAULT_ME.pushName);
  await browser.shot('working');

  // Chats: open the peer's chat, send a text with the keyboard, and a file.
  await (await see('a.button', 'Open its chats')).click();
  await see(`a[href="#/chats/${S}/${encodeURIComponent(PEER)}"]`);
  await page.click(`a[href="#/chats/${S}/${encodeURIComponent(PEER)}"]`);
  await see('#msg-text');
  await see('.messages .msg');
  const text = 'hello from the dashboard';
  await page.type('#msg-text', text);
  await page.keyboard.press('Enter');
  const out = await sim.waitForOutbox({ chatId: PEER, body: text });
  await see('.msg.me .body', text);
  await see('.answer', 'POST /api/sendText');
  const file = join(browser.shotsDir, 'note.txt');
  writeFileSync(file, 'a file from the dashboard\n');
  const input = await page.$('input[type="file"]');
  await input!.uploadFile(file);
  expect(await sim.waitForOutbox({ chatId: PEER, type: 'document' })).toMatchObject({ media: { filename: 'note.txt' } });
  await see('.answer', 'POST /api/sendFile');

  // The echo arrives live (over /ws), without a reload.
  const echo = `echo: ${text}`;
  await sim.receive({ from: PEER, body: echo, quotedId: out.id });
  await see('.msg.them .body', echo);
  await browser.shot('chat-echo');

  // Its `message` webhook got a 500 and no retries are left: a dead letter. Replay it.
  await receiver.until(() => receiver.arrivals.some((a) => a.json.payload?.body === echo), 'the echo at the receiver');
  const firstTry = receiver.arrivals.find((a) => a.json.payload?.body === echo)!;
  await go('#/webhooks');
  await see('ul.dead li[data-seq]', firstTry.id);
  await see('table.targets td', 'HTTP 500');
  await see('table.targets .badge-failing');
  await see('table.targets td', 'after 1 failed');
  await browser.shot('webhooks-dead-letter');
  receiverUp = true;
  await (await see('ul.dead button', 'Replay')).click();
  await receiver.until(() => receiver.arrivals.filter((a) => a.id === firstTry.id).length === 2, 'the replayed delivery');
  const replayed = receiver.arrivals.filter((a) => a.id === firstTry.id)[1]!;
  expect(replayed.body).toBe(firstTry.body);
  expect(replayed.headers.get('x-webhook-hmac')).toBe(hmacOf(HMAC, replayed.body));
  await see('.answer', 'POST /api/webhooks/dead-letters/replay');
  await see('p.empty', 'No dead letters.');
  await see('table.targets td', '1 delivered');
  await browser.shot('webhooks-replayed');

  // Memory over time with the governor's thresholds.
  await go('#/memory');
  await see('[data-testid="memory-chart"] path');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="memory-chart"] path').length >= 3, { timeout: 30_000 });
  expect(await page.$$eval('.threshold-label', (els) => els.map((e) => e.textContent))).toEqual([
    '70 % cleanup',
    '80 % warning',
    '90 % aggressive',
    '120 % recycle',
  ]);
  await see('[data-testid="memory-now"]', S);
  await browser.shot('memory');

  // The event monitor, filtered to this session's `message` events.
  await go('#/events');
  await see('.filters select');
  await page.select('.filters select', 'message');
  await page.type('.filters input', S);
  const live = 'a live event';
  await sim.receive({ from: PEER, body: live });
  await see('ol.events li[data-event="message"]', live);
  expect(await page.$$eval('ol.events li', (els) => els.every((e) => e.getAttribute('data-event') === 'message'))).toBe(true);
  await browser.shot('events');

  // Keyboard: from the top of the page the first Tab reaches the skip button, and Enter moves
  // focus to the content. (Focusing the body moves Chromium's Tab starting point there.)
  await go('#/sessions');
  await see(`tr[data-session="${S}"]`);
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

  // 360 px wide: nothing wider than the screen.
  await page.setViewport({ width: 360, height: 780 });
  await see(`tr[data-session="${S}"] td`, 'WORKING');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await browser.shot('sessions-360px');
  await go(`#/chats/${S}/${encodeURIComponent(PEER)}`);
  await see('.msg.them .body', echo);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await browser.shot('chat-360px');

  expect(browser.foreign(origin)).toEqual([]);
  expect(browser.requests.some((u) => u.startsWith(`ws://${svc.url.host}/ws`))).toBe(true);
  expect(browser.problems()).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
  expect(browser.failed).toEqual([]);
  console.log(`[e2e] ${browser.requests.length} requests, all to ${origin}; console: ${JSON.stringify(browser.console)}`);
}, 240_000);
