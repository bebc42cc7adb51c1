/**
 * CORS as a browser enforces it: a page served from another origin (another port) calls the API
 * with `X-Api-Key`, as WAHA's dashboard does — real Chromium sends the preflight, then the call, and
 * hands the page the answer, its error bodies and its `X-Request-Id`. With CORS_ALLOWED_ORIGINS
 * naming someone else, the same page is refused by the browser. The app runs over a stand-in engine:
 * what is checked is the HTTP answer, not WhatsApp.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { serveOptions } from '../../src/http/server';
import { buildTestApp } from '../support/app';
import { TestBrowser } from '../support/browser';
import { fakeManager } from '../support/fake-engine';

const KEY = 'cors-e2e-key';
const T = 60_000;
let browser: TestBrowser;
const sessions = await fakeManager();
const page = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: () => new Response('<!doctype html><title>dashboard</title>', { headers: { 'content-type': 'text/html' } }),
});
const api = (env: Record<string, string>) => {
  const built = buildTestApp({ key: KEY, env, deps: { sessions: sessions.manager } });
  return Bun.serve(serveOptions(built.edge, { port: 0, hostname: '127.0.0.1' }));
};
const open = api({});
const pageOrigin = `http://127.0.0.1:${page.port}`;
const elsewhere = api({ CORS_ALLOWED_ORIGINS: 'https://someone-else.example' });

beforeAll(async () => {
  await sessions.manager.create({ name: 'default', start: false });
  browser = await TestBrowser.launch();
  await browser.page.goto(pageOrigin);
});
afterAll(async () => {
  await browser?.close();
  for (const s of [page, open, elsewhere]) await s.stop(true);
  await sessions.dispose();
});

/** fetch() from the page: what the page gets to see, or the browser's refusal. */
function fromPage(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return browser.page.evaluate(
    async (u, i) => {
      try {
        const res = await fetch(u, i);
        return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
      } catch (e) {
        return { refused: String(e) };
      }
    },
    url,
    init,
  );
}

test(
  'a page of another origin calls the API with X-Api-Key: answers, errors and X-Request-Id reach it',
  async () => {
    const base = `http://127.0.0.1:${open.port}`;
    const listed = await fromPage(`${base}/api/sessions?all=true`, { headers: { 'X-Api-Key': KEY } });
    expect(listed).toMatchObject({ status: 200, requestId: expect.any(String) });
    expect((listed as { body: { name: string }[] }).body.map((s) => s.name)).toEqual(['default']);

    const wrongKey = await fromPage(`${base}/api/sessions`, { headers: { 'X-Api-Key': 'nope' } });
    expect(wrongKey).toMatchObject({ status: 401, body: { statusCode: 401, message: 'Unauthorized' } });

    const bad = await fromPage(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'X-Api-Key': KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'a b' }),
    });
    expect(bad).toMatchObject({ status: 400, body: { statusCode: 400 } });
  },
  T,
);

test(
  'CORS_ALLOWED_ORIGINS naming another origin: the browser refuses the call',
  async () => {
    const refused = await fromPage(`http://127.0.0.1:${elsewhere.port}/api/sessions`, { headers: { 'X-Api-Key': KEY } });
    expect(refused).toEqual({ refused: expect.stringContaining('Failed to fetch') });
  },
  T,
);
