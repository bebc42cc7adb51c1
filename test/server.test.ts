/**
 * The server routes WAHA's dashboard and n8n flows call, through the edge: /api/version beside
 * /api/server/version, the environment (WAHA's families, all=true, secrets masked and never
 * logged), POST /api/server/stop (answered first, the stop asked for after), and the debug routes
 * behind WAHA_DEBUG_MODE. The real process exiting on a stop: test/e2e/server-stop.e2e.test.ts.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { silentLogger } from '../src/log';
import { DebugService } from '../src/modules/server/debug';
import { ServerService } from '../src/modules/server/service';
import { buildTestApp } from './support/app';
import { fakeManager } from './support/fake-engine';
import { reach } from './support/waits';

const SECRETS = {
  WAHA_API_KEY: 'plain-server-key',
  WHATSAPP_HOOK_HMAC_KEY: 'hmac-secret-1',
  WAHA_DASHBOARD_PASSWORD: 'dash-pass-1',
  WHATSAPP_PROXY_SERVER: 'http://proxyuser:proxy-pass-1@proxy.example:3128',
  DATABASE_URL: 'postgres://app:db-pass-1@db.example:5432/wabun',
  GITHUB_TOKEN: 'ghp_token1',
  WHATSAPP_HOOK_URL: 'https://hooks.example/in?token=hook-token-1&tenant=7',
};
const ENV = {
  ...SECRETS,
  WAHA_LOG_LEVEL: 'info',
  WHATSAPP_API_KEY_EXCLUDE_PATH: 'health,ping',
  WAHA_EMPTY: '',
  DEBUG: '1',
  HOME: '/home/wabun',
};

const sessions = await fakeManager();
afterAll(() => sessions.dispose());

function app(opts: { debug?: boolean; stop?: (force: boolean) => void } = {}) {
  const built = buildTestApp({ key: null, deps: { sessions: sessions.manager } });
  const server = new ServerService({
    memory: built.memory,
    startedAt: Date.now(),
    workerId: 'w1',
    browser: () => '/usr/lib/chromium/chromium-headless-shell',
    sessionCounts: () => ({ total: 0, working: 0 }),
    env: () => ENV,
    stop: opts.stop,
  });
  const debug = new DebugService({
    enabled: opts.debug ?? false,
    log: silentLogger,
    browserTrace: (s, o) => sessions.manager.browserTrace(s, o),
  });
  const rebuilt = buildTestApp({ key: null, deps: { sessions: sessions.manager, server, debug } });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await rebuilt.fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return res;
  };
  return { call, lines: rebuilt.lines };
}

describe('version and environment', () => {
  test('GET /api/version answers what GET /api/server/version does', async () => {
    const { call } = app();
    const v = await (await call('GET', '/api/version')).json();
    expect(v).toEqual(await (await call('GET', '/api/server/version')).json());
    expect(v).toMatchObject({ engine: 'WEBJS', tier: 'CORE', browser: '/usr/lib/chromium/chromium-headless-shell', worker: { id: 'w1' } });
  });

  test('environment: WAHA_*, WHATSAPP_* and DEBUG by default, everything with all=true, sorted, secrets masked', async () => {
    const { call, lines } = app();
    const waha = await (await call('GET', '/api/server/environment?all=false')).json();
    expect(waha).toEqual({
      DEBUG: '1',
      WAHA_API_KEY: '***',
      WAHA_DASHBOARD_PASSWORD: '***',
      WAHA_EMPTY: '',
      WAHA_LOG_LEVEL: 'info',
      WHATSAPP_API_KEY_EXCLUDE_PATH: 'health,ping',
      WHATSAPP_HOOK_HMAC_KEY: '***',
      WHATSAPP_HOOK_URL: 'https://hooks.example/in?token=***&tenant=7',
      WHATSAPP_PROXY_SERVER: 'http://proxyuser:***@proxy.example:3128',
    });
    expect(Object.keys(waha)).toEqual(Object.keys(waha).sort());
    expect(await (await call('GET', '/api/server/environment')).json()).toEqual(waha);
    const all = await (await call('GET', '/api/server/environment?all=true')).json();
    expect(all).toMatchObject({
      ...waha,
      HOME: '/home/wabun',
      DATABASE_URL: 'postgres://app:***@db.example:5432/wabun',
      GITHUB_TOKEN: '***',
    });
    const everything = JSON.stringify([waha, all, lines]);
    for (const secret of ['plain-server-key', 'hmac-secret-1', 'dash-pass-1', 'proxy-pass-1', 'db-pass-1', 'ghp_token1', 'hook-token-1'])
      expect(everything).not.toContain(secret);
    expect((await call('GET', '/api/server/environment?all=maybe')).status).toBe(400);
  });
});

describe('POST /api/server/stop', () => {
  test('answers 201 {stopping: true} first; the stop is asked for after, graceful or forced', async () => {
    for (const [body, force] of [
      [{}, false],
      [{ force: true }, true],
    ] as const) {
      let asked: (f: boolean) => void = () => {};
      const stopped = new Promise<boolean>((resolve) => (asked = resolve));
      let answered = false;
      const { call } = app({
        stop: (f) => {
          expect(answered).toBe(true);
          asked(f);
        },
      });
      const res = await call('POST', '/api/server/stop', body);
      answered = true;
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ stopping: true });
      expect(await stopped).toBe(force);
    }
  });

  test('a body of the wrong type is a 400 naming the field', async () => {
    const { call } = app({ stop: () => {} });
    const res = await call('POST', '/api/server/stop', { force: 'yes' });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('force');
  });
});

describe('debug routes', () => {
  test('WAHA_DEBUG_MODE off: each answers 404 "WAHA_DEBUG_MODE is disabled"', async () => {
    const { call } = app();
    for (const path of [
      '/api/server/debug/heapsnapshot',
      '/api/server/debug/cpu?seconds=1',
      '/api/server/debug/browser/trace/default?seconds=1',
    ]) {
      const res = await call('GET', path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'WAHA_DEBUG_MODE is disabled' });
    }
  });

  test('on: a V8 heap snapshot and a .cpuprofile, as downloads', async () => {
    const { call } = app({ debug: true });
    const heap = await call('GET', '/api/server/debug/heapsnapshot');
    expect(heap.status).toBe(200);
    expect(heap.headers.get('content-disposition')).toMatch(/^attachment; filename=\d+\.heapsnapshot$/);
    expect((await heap.json()).snapshot.meta.node_fields).toContain('self_size');

    const cpu = await call('GET', '/api/server/debug/cpu?seconds=1');
    expect(cpu.status).toBe(200);
    expect(cpu.headers.get('content-disposition')).toMatch(/\.cpuprofile$/);
    const profile = await cpu.json();
    expect(profile).toMatchObject({ nodes: expect.any(Array), samples: expect.any(Array), startTime: expect.any(Number) });
    expect((await call('GET', '/api/server/debug/cpu?seconds=0')).status).toBe(400);
    expect((await call('GET', '/api/server/debug/cpu?seconds=301')).status).toBe(400);
  });

  test('one CPU profile at a time: a second one meanwhile is a 409', async () => {
    const { call } = app({ debug: true });
    const first = call('GET', '/api/server/debug/cpu?seconds=1');
    const second = await call('GET', '/api/server/debug/cpu?seconds=1');
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
  });

  test('browser trace: unknown session 404, not WORKING 422 with its status, WORKING → the engine trace', async () => {
    const { call } = app({ debug: true });
    expect((await call('GET', '/api/server/debug/browser/trace/ghost?seconds=1')).status).toBe(404);
    await sessions.manager.create({ name: 'traced' });
    await reach(sessions.manager, 'traced', 'SCAN_QR_CODE');
    const early = await call('GET', '/api/server/debug/browser/trace/traced?seconds=1');
    expect(early.status).toBe(422);
    expect(await early.json()).toMatchObject({ status: 'SCAN_QR_CODE', expected: ['WORKING'] });
    sessions.engine('traced').scan();
    await reach(sessions.manager, 'traced', 'WORKING');
    const res = await call('GET', '/api/server/debug/browser/trace/traced?seconds=2&categories=devtools.timeline&categories=-v8');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ traceEvents: [] });
    expect(sessions.engine('traced').traces).toEqual([
      { seconds: 2, categories: ['devtools.timeline', '-v8'], maxBytes: 64 * 1024 * 1024 },
    ]);
    expect((await call('GET', '/api/server/debug/browser/trace/traced?seconds=121')).status).toBe(400);
  });
});
