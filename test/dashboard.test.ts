/**
 * The dashboard's server side through app.handle(): the page and its assets (served from
 * memory, open without the key, basic auth when configured, this-origin-only CSP), its API
 * routes over a stand-in engine, and the memory history ring buffer.
 * test/e2e/dashboard.e2e.test.ts drives the page itself in Chromium against the real service.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import type { MemoryAction, MemorySample } from '../src/memory/types';
import { DashboardService } from '../src/modules/dashboard/service';
import { MemoryHistory } from '../src/modules/memory-history/service';
import { qrPng } from '../src/modules/sessions/qr';
import { buildTestApp } from './support/app';
import { fakeManager } from './support/fake-engine';
import { decodeQrPng, reach } from './support/waits';

const KEY = 'test-key-123';
const sessions = await fakeManager();
afterAll(() => sessions.dispose());

const sample = (at: number, totalMb: number, browsers: MemorySample['browsers'] = []): MemorySample => ({
  at,
  service: { rssMb: 80, privateMb: 50, pssMb: 60, heapMb: 20, heapCapacityMb: 30 },
  browsers,
  totalMb,
  limitMb: 300,
  percent: (totalMb / 300) * 100,
  cgroup: null,
  notes: [],
});
let latest = sample(1_000, 50);
const memory = { latest: () => latest };
const dashboard = new DashboardService({ sessions: sessions.manager, memory, subscribe: (fn) => sessions.bus.subscribe(fn), qrPng });
afterAll(() => dashboard.close());

function app(env: Record<string, string> = {}, key: string | null = KEY) {
  return buildTestApp({ key, env, deps: { dashboard } }).app;
}
const get = (a: ReturnType<typeof app>, path: string, headers: Record<string, string> = {}) =>
  a.handle(new Request(`http://localhost${path}`, { headers }));
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** The page's script and stylesheet paths, as the HTML names them. */
async function assetsOf(a: ReturnType<typeof app>, headers: Record<string, string> = {}) {
  const html = await (await get(a, '/dashboard', headers)).text();
  return {
    html,
    js: /<script type="module" src="([^"]+)"/.exec(html)![1]!,
    css: /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!,
  };
}

describe('the page', () => {
  test('served without a key, with a CSP that allows this origin only', async () => {
    const a = app();
    const res = await get(a, '/dashboard');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const { html, js, css } = await assetsOf(a);
    expect(html).toContain('<meta name="wabun-auth" content="key">');
    // Every URL in the page is on this server.
    for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^(\/dashboard\/|data:)/);
    expect(js).toMatch(/^\/dashboard\/app\.[0-9a-z]+\.js$/);
    expect(css).toMatch(/^\/dashboard\/app\.[0-9a-z]+\.css$/);
  });

  test('the assets are the bundled UI, cacheable forever (their names change with them)', async () => {
    const a = app();
    const { js, css } = await assetsOf(a);
    const script = await get(a, js);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    const text = await script.text();
    expect(text.length).toBeGreaterThan(10_000);
    // Bundled: no import of a package or of another host is left for the browser to resolve.
    expect(text).not.toMatch(/\bimport\s*[^(]*?from\s*["']/);
    // XML namespace names (SVG, MathML) are identifiers and example.invalid a placeholder: never fetched.
    const hosts = [...text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((m) => m[1]);
    expect([...new Set(hosts)].sort()).toEqual(['example.invalid', 'www.w3.org']);
    const style = await get(a, css);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await style.text()).length).toBeGreaterThan(500);
  });

  test('/dashboard/ is the page too; other paths under it are not open', async () => {
    const a = app();
    const res = await get(a, '/dashboard/');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(await (await get(a, '/dashboard')).text());
    // No route there: a 404, with or without the key; nothing under /dashboard/ is open but the page.
    expect((await get(a, '/dashboard/other')).status).toBe(404);
  });

  test('an open page path never opens an API route, whatever the Host header makes of the URL', async () => {
    const a = app();
    const { js } = await assetsOf(a);
    // A one-letter host moves where Elysia's router starts reading the path.
    for (const url of [`http://a${js}`, 'http://a/dashboard', `http://a/dashboard/api/server/version`]) {
      const res = await a.handle(new Request(url));
      expect(res.status, url).not.toBe(200);
    }
  });

  test('WAHA_NO_API_KEY: the page says no key is needed', async () => {
    const { html } = await assetsOf(app({}, null));
    expect(html).toContain('<meta name="wabun-auth" content="none">');
  });

  test('WAHA_DASHBOARD_ENABLED=false: no page', async () => {
    const a = app({ WAHA_DASHBOARD_ENABLED: 'false' });
    expect((await get(a, '/dashboard')).status).toBe(404);
    expect((await get(a, '/api/dashboard/sessions', { 'x-api-key': KEY })).status).toBe(404);
  });

  test('basic auth when WAHA_DASHBOARD_PASSWORD is set: page and assets; the API still wants the key', async () => {
    const a = app({ WAHA_DASHBOARD_USERNAME: 'ops', WAHA_DASHBOARD_PASSWORD: 'pa:ss' });
    const none = await get(a, '/dashboard');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="wabun dashboard", charset="UTF-8"');
    expect(await none.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect((await get(a, '/dashboard', { authorization: basic('ops', 'wrong') })).status).toBe(401);
    expect((await get(a, '/dashboard', { authorization: basic('admin', 'pa:ss') })).status).toBe(401);
    expect((await get(a, '/dashboard', { authorization: 'Bearer x' })).status).toBe(401);
    const auth = { authorization: basic('ops', 'pa:ss') };
    expect((await get(a, '/dashboard', auth)).status).toBe(200);
    const { js, css } = await assetsOf(a, auth);
    expect((await get(a, js)).status).toBe(401);
    expect((await get(a, js, auth)).status).toBe(200);
    expect((await get(a, css, auth)).status).toBe(200);
    expect((await get(a, '/api/dashboard/sessions', auth)).status).toBe(401);
    expect((await get(a, '/api/dashboard/sessions', { 'x-api-key': KEY })).status).toBe(200);
  });

  test('the default user name is admin', async () => {
    const a = app({ WAHA_DASHBOARD_PASSWORD: 'pw' });
    expect((await get(a, '/dashboard', { authorization: basic('admin', 'pw') })).status).toBe(200);
  });
});

describe('the dashboard API', () => {
  const a = app();
  const api = async (path: string) => {
    const res = await get(a, path, { 'x-api-key': KEY });
    return { status: res.status, json: (await res.json()) as any };
  };

  test('needs the key', async () => {
    expect((await get(a, '/api/dashboard/sessions')).status).toBe(401);
    expect((await get(a, '/api/dashboard/sessions/x/pairing')).status).toBe(401);
  });

  test('sessions: status, account, browser memory, last event; pairing: the QR until WORKING, never 422', async () => {
    await sessions.manager.create({
      name: 'dash',
      config: { webhooks: [{ url: 'http://127.0.0.1:9/hook', events: ['message'], hmac: { key: 'never-shown' } }] },
    });
    await reach(sessions.manager, 'dash', 'SCAN_QR_CODE');
    latest = sample(2_000, 200, [{ session: 'dash', pid: 4242, processes: 9, privateMb: 150, pssMb: 180 }]);

    const list = await api('/api/dashboard/sessions');
    expect(list.status).toBe(200);
    expect(list.json).toEqual([
      {
        name: 'dash',
        status: 'SCAN_QR_CODE',
        me: null,
        browser: { pid: 4242, processes: 9, private_mb: 150, pss_mb: 180 },
        last_event: { event: 'session.status', at: expect.any(Number) },
        webhooks: 1,
      },
    ]);
    expect(JSON.stringify(list.json)).not.toContain('never-shown');

    const pairing = await api('/api/dashboard/sessions/dash/pairing');
    expect(pairing.status).toBe(200);
    expect(pairing.json.status).toBe('SCAN_QR_CODE');
    expect(pairing.json.me).toBeNull();
    const { value, image } = pairing.json.qr;
    expect(image).toStartWith('data:image/png;base64,');
    expect(decodeQrPng(Buffer.from(image.split(',')[1], 'base64'))).toBe(value);
    expect(value).toBe(await sessions.manager.qr('dash'));

    sessions.engine('dash').scan();
    await reach(sessions.manager, 'dash', 'WORKING');
    const after = await api('/api/dashboard/sessions/dash/pairing');
    expect(after).toEqual({ status: 200, json: { status: 'WORKING', qr: null, me: { id: '14155550123@c.us', pushName: 'Test Phone' } } });

    expect((await api('/api/dashboard/sessions/nope/pairing')).status).toBe(404);
    expect((await api('/api/dashboard/sessions/bad%20name/pairing')).status).toBe(400);
  });
});

describe('memory history', () => {
  const action = (at: number, step: MemoryAction['step']): MemoryAction => ({
    step,
    at: new Date(at).toISOString(),
    before_mb: 250,
    after_mb: 220,
  });

  test('keeps the newest samples and actions, each once, and answers what is newer than `since`', () => {
    const h = new MemoryHistory({ limitMb: 300, intervalMs: 1000, capacity: 3, actionCapacity: 2 });
    for (const at of [1000, 2000, 2000, 3000, 4000]) h.record(sample(at, at / 10));
    h.action(action(1500, 'gc'));
    h.action(action(2500, 'cleanup'));
    h.action(action(3500, 'warning'));
    const r = h.report();
    expect(r.samples.map((s) => s.at)).toEqual([2000, 3000, 4000]);
    expect(r.actions.map((a) => a.step)).toEqual(['cleanup', 'warning']);
    expect(r.thresholds).toEqual([
      { percent: 70, step: 'cleanup', mb: 210 },
      { percent: 80, step: 'warning', mb: 240 },
      { percent: 90, step: 'aggressive', mb: 270 },
      { percent: 120, step: 'recycle', mb: 360 },
    ]);
    expect(r.samples[0]).toEqual({ at: 2000, total_mb: 200, service_mb: 50, heap_mb: 20, percent: 66.7, browsers: [] });
    const newer = h.report(3000);
    expect(newer.samples.map((s) => s.at)).toEqual([4000]);
    expect(newer.actions.map((a) => a.step)).toEqual(['warning']);
  });

  test('follow() records the latest sample once per interval; the route needs the key', async () => {
    const h = new MemoryHistory({ limitMb: 300, intervalMs: 250 });
    let n = 0;
    const stop = h.follow({ latest: () => sample(++n * 1000, 100) });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (h.report().samples.length >= 2) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    stop();
    const a = buildTestApp({ deps: { memoryHistory: h } }).app;
    expect((await a.handle(new Request('http://localhost/api/server/memory/history'))).status).toBe(401);
    const res = await a.handle(new Request('http://localhost/api/server/memory/history?since=1000', { headers: { 'x-api-key': KEY } }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.samples[0].at).toBe(2000);
    expect(body).toMatchObject({ limit_mb: 300, interval_ms: 250, capacity: 720 });
  });
});
