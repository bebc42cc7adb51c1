/**
 * The sessions, auth and screenshot routes through `app.handle()`: WAHA's shapes and status codes,
 * over the SessionManager with a stand-in engine (the real one: test/e2e/sessions.e2e.test.ts).
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { createApp } from '../src/app';
import { silentLogger } from '../src/log';
import { MemorySampler } from '../src/memory/sampler';
import { MessagingService } from '../src/modules/messages/service';
import { ServerService } from '../src/modules/server/service';
import { FAKE_ME, fakeManager } from './support/fake-engine';
import { decodeQrPng, reach } from './support/waits';

const f = await fakeManager({}, { workerId: 'w-1' });
const memory = new MemorySampler({ limitMb: 300, browsers: () => [] });
const server = new ServerService({
  memory,
  startedAt: Date.now(),
  workerId: 't',
  browser: () => 'test',
  sessionCounts: () => f.manager.counts(),
});
const app = createApp({
  config: f.config,
  log: silentLogger,
  keyCheck: null,
  server,
  sessions: f.manager,
  messaging: new MessagingService(f.manager, { maxBytes: 1 << 20, timeoutMs: 1000 }),
});
afterAll(async () => {
  await f.dispose();
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

describe('sessions routes', () => {
  test('POST /api/sessions → 201 with WAHA\'s SessionInfo; default name "default"', async () => {
    const res = await call('POST', '/api/sessions', { start: false });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      name: 'default',
      status: 'STOPPED',
      config: null,
      me: null,
      presence: null,
      timestamps: { activity: null },
      assignedWorker: 'w-1',
      apps: null,
    });
  });

  test("duplicate → 422 with WAHA's message in the one error shape", async () => {
    const res = await call('POST', '/api/sessions', { name: 'default' });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: "Session 'default' already exists. Use PUT to update it.",
    });
  });

  test("bad names → 400 (path and body); unknown → WAHA's 404 on every session route", async () => {
    for (const path of ['/api/sessions/a%20b', `/api/sessions/${'x'.repeat(55)}`, '/api/sessions/a.b/start', '/api/a$b/auth/qr']) {
      const res = await call(path.endsWith('start') ? 'POST' : 'GET', path);
      expect(res.status).toBe(400);
      expect((await res.json()).message).toContain('1–54 letters, digits, _ or -');
    }
    expect((await call('POST', '/api/sessions', { name: 'no/slash' })).status).toBe(400);
    expect(
      (await call('POST', '/api/sessions', { name: 'h', config: { webhooks: [{ url: 'file:///etc/passwd', events: ['message'] }] } }))
        .status,
    ).toBe(400);
    const res = await call('GET', '/api/sessions/ghost');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Session not found' });
    const routes: [string, string, unknown?][] = [
      ['PUT', '/api/sessions/ghost', { config: null }],
      ['GET', '/api/sessions/ghost/me'],
      ...['start', 'stop', 'restart', 'logout'].map((op): [string, string] => ['POST', `/api/sessions/ghost/${op}`]),
      ['GET', '/api/ghost/auth/qr'],
      ['POST', '/api/ghost/auth/request-code', { phoneNumber: '14155550123' }],
      ['GET', '/api/screenshot?session=ghost'],
      ['GET', '/api/ghost/chats'],
      ['GET', '/api/ghost/groups'],
      ['GET', '/api/contacts/all?session=ghost'],
      ['POST', '/api/sendText', { session: 'ghost', chatId: '14155550123@c.us', text: 'hi' }],
    ];
    for (const [method, path, body] of routes) {
      const r = await call(method, path, body);
      expect({ route: `${method} ${path}`, status: r.status, body: await r.json() }).toEqual({
        route: `${method} ${path}`,
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'Session not found' },
      });
    }
  });

  test('start → QR as PNG, JSON and raw; scan → WORKING; /me; QR when WORKING → 422', async () => {
    const started = await call('POST', '/api/sessions/default/start');
    expect(started.status).toBe(201);
    await reach(f.manager, 'default', 'SCAN_QR_CODE');
    const raw = await (await call('GET', '/api/default/auth/qr?format=raw')).json();
    expect(raw.value).toStartWith('ref-');
    const png = await call('GET', '/api/default/auth/qr');
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(decodeQrPng(new Uint8Array(await png.arrayBuffer()))).toBe(raw.value);
    const json = await (await call('GET', '/api/default/auth/qr', undefined, { accept: 'application/json' })).json();
    expect(json.mimetype).toBe('image/png');
    expect(decodeQrPng(Buffer.from(json.data, 'base64'))).toBe(raw.value);
    const legacy = await call('GET', '/api/qr?format=raw');
    expect(await legacy.json()).toEqual(raw);
    const code = await call('POST', '/api/default/auth/request-code', { phoneNumber: '+1 415 555 0123' });
    expect(code.status).toBe(201);
    expect(await code.json()).toEqual({ code: 'ABCD-EFGH' });

    f.engine('default').scan();
    await reach(f.manager, 'default', 'WORKING');
    expect(await (await call('GET', '/api/sessions/default/me')).json()).toEqual(FAKE_ME);
    expect(await (await call('GET', '/api/sessions/default')).json()).toEqual({
      name: 'default',
      status: 'WORKING',
      config: null,
      me: FAKE_ME,
      presence: null,
      timestamps: { activity: expect.any(Number) },
      assignedWorker: 'w-1',
      apps: null,
      engine: { engine: 'WEBJS', WWebVersion: null, state: 'CONNECTED' },
    });
    expect((await (await call('GET', '/api/sessions/default?expand=apps')).json()).apps).toEqual([]);
    expect((await (await call('GET', '/api/sessions?expand=apps')).json())[0].apps).toEqual([]);
    expect((await call('GET', '/api/sessions/default?expand=nothing')).status).toBe(400);
    const qr = await call('GET', '/api/default/auth/qr');
    expect(qr.status).toBe(422);
    const what = { session: 'default', status: 'WORKING', expected: ['SCAN_QR_CODE'] };
    expect(await qr.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringMatching(/^Session status is not as expected/),
      details: what,
      ...what,
    });
    const shot = await call('GET', '/api/screenshot?session=default');
    expect(shot.headers.get('content-type')).toBe('image/png');
    expect((await server.health()).whatsapp_ready).toBe(true);
  });

  test('list, PUT, stop, logout, restart, DELETE', async () => {
    expect((await (await call('GET', '/api/sessions')).json()).map((s: { name: string }) => s.name)).toEqual(['default']);
    const put = await call('PUT', '/api/sessions/default', {
      config: { metadata: { a: '1' }, webhooks: [{ url: 'https://example.invalid/h', events: ['message'] }] },
    });
    expect(put.status).toBe(200);
    expect((await put.json()).config.metadata).toEqual({ a: '1' });
    const stopped = await call('POST', '/api/sessions/default/stop');
    expect(stopped.status).toBe(201);
    expect((await stopped.json()).status).toBe('STOPPED');
    expect(await (await call('GET', '/api/sessions')).json()).toEqual([]);
    expect((await (await call('GET', '/api/sessions?all=true')).json()).length).toBe(1);
    expect(await (await call('GET', '/api/sessions/default/me')).text()).toBe('');
    expect((await call('POST', '/api/sessions/default/restart')).status).toBe(201);
    expect((await call('POST', '/api/sessions/default/logout')).status).toBe(201);
    const del = await call('DELETE', '/api/sessions/default');
    expect(del.status).toBe(200);
    expect((await call('DELETE', '/api/sessions/default')).status).toBe(200);
    expect(f.world.live.size).toBe(0);
    expect((await call('GET', '/api/sessions/default')).status).toBe(404);
  });

  test('every route is documented with a summary and a tag', async () => {
    const spec = await (await call('GET', '/docs/json')).json();
    for (const p of [
      '/api/sessions',
      '/api/sessions/{session}',
      '/api/sessions/{session}/start',
      '/api/{session}/auth/qr',
      '/api/{session}/auth/request-code',
      '/api/screenshot',
      '/api/qr',
    ]) {
      for (const op of Object.values(spec.paths[p] as Record<string, { summary?: string; tags?: string[] }>)) {
        expect(op.summary).toBeTruthy();
        expect(op.tags?.length).toBeGreaterThan(0);
      }
    }
  });
});
