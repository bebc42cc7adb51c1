/**
 * The Swagger page as a person uses it, in real headless Chromium against the real service with
 * a WORKING session on the WhatsApp Web simulator: authorize with the key, open
 * `POST /api/sendText`, find its example body already filled in, execute it, see the 201 in the
 * page — and the text arrive in the simulator. Screenshots go to a folder the test prints.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { EXAMPLE_CHAT_ID } from '../../src/model';
import type { SimControl } from '../sim/control';
import { TestBrowser } from '../support/browser';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const KEY = 'swagger-e2e-key';
let world: E2eWorld;
let svc: RunningService;
let browser: TestBrowser;
let sim: SimControl;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: KEY });
  // The document's examples address the default session.
  sim = await workingSession(world, svc, 'default', {}, { 'x-api-key': KEY });
  browser = await TestBrowser.launch({ width: 1280, height: 1000 });
  console.log(`[e2e] swagger screenshots: ${browser.shotsDir}`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await world?.dispose();
});

test('authorize, open sendText, the example is filled in, execute: 201 in the page and the text in WhatsApp', async () => {
  const page = browser.page;
  const origin = svc.url.origin;
  await page.goto(`${origin}/docs`);
  await page.waitForSelector('.swagger-ui .opblock', { visible: true });
  await browser.shot('docs');

  await page.click('.swagger-ui .btn.authorize');
  await page.waitForSelector('.swagger-ui .modal-ux input', { visible: true });
  await page.type('.swagger-ui .modal-ux input', KEY);
  await page.click('.swagger-ui .modal-ux .auth-btn-wrapper button.authorize');
  await page.click('.swagger-ui .modal-ux .btn-done');

  const block = '.swagger-ui .opblock-post[id$="ChattingController_sendText"]';
  await page.waitForSelector(block, { visible: true });
  await page.click(`${block} .opblock-summary`);
  await page.waitForSelector(`${block} .try-out__btn`, { visible: true });
  await page.click(`${block} .try-out__btn`);
  const editor = await page.waitForSelector(`${block} textarea.body-param__text`, { visible: true });
  const filled = JSON.parse((await editor!.evaluate((el) => (el as HTMLTextAreaElement).value)) || '{}');
  expect(filled).toEqual({ session: 'default', chatId: EXAMPLE_CHAT_ID, text: 'Hi there!' });
  await browser.shotOf(block, 'send-text-example');

  await page.click(`${block} .btn.execute`);
  const status = await page.waitForFunction(
    (sel) => document.querySelector(`${sel} .live-responses-table tr.response td.response-col_status`)?.textContent?.trim(),
    {},
    block,
  );
  expect(await status.jsonValue()).toBe('201');
  const body = await page.$eval(`${block} .live-responses-table .response-col_description pre`, (el) => el.textContent ?? '');
  expect(JSON.parse(body)).toMatchObject({ fromMe: true, body: 'Hi there!', to: EXAMPLE_CHAT_ID });
  await browser.shotOf(block, 'send-text-201');

  // What the page sent went through WhatsApp Web, as any client's would.
  expect(await sim.waitForOutbox({ chatId: EXAMPLE_CHAT_ID, body: 'Hi there!' })).toBeDefined();
  expect(browser.foreign(origin)).toEqual([]);
  expect(browser.pageErrors).toEqual([]);
}, 90_000);
