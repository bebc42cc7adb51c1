/**
 * WAHA's dashboard, replayed: the calls it makes, in the order a person using it makes them, from a
 * page of another origin in real Chromium with `X-Api-Key` on every call — so the browser sends its
 * own preflights and enforces CORS on every answer — against the real service, the real engine and
 * the simulator. Each call is checked for what the dashboard reads from it.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { CDPSession } from 'puppeteer-core';
import { simContactId } from '../sim/index';
import { TestBrowser } from '../support/browser';
import { PNG_1X1 } from '../support/messaging';
import type { RunningService } from '../support/service';
import { reach } from '../support/waits';
import { E2eWorld } from '../support/world';

const KEY = 'dashboard-replay-key';
const NAME = 'dash';
const PEER = simContactId(0);
const TEST_MS = 180_000;

let world: E2eWorld;
let svc: RunningService;
let browser: TestBrowser;
let cdp: CDPSession;
/** The dashboard's own origin: another port, so every API call is cross-origin. */
const dashboard = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: () => new Response('<!doctype html><title>WAHA dashboard</title>', { headers: { 'content-type': 'text/html' } }),
});
const origin = `http://127.0.0.1:${dashboard.port}`;
/** Preflights Chromium sent (method asked for and URL), and their answers' status, by request id. */
const preflights = new Map<string, { method: string; url: string; status?: number }>();

beforeAll(async () => {
  world = new E2eWorld({ account: { contacts: 4, chats: 3, groups: 0, messagesPerChat: 15, channels: 0 } });
  svc = await world.start({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: KEY });
  browser = await TestBrowser.launch();
  cdp = await browser.page.createCDPSession();
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.method !== 'OPTIONS') return;
    const asked = e.request.headers['Access-Control-Request-Method'] ?? e.request.headers['access-control-request-method'] ?? '?';
    preflights.set(e.requestId, { method: asked, url: e.request.url });
  });
  cdp.on('Network.responseReceived', (e) => {
    const p = preflights.get(e.requestId);
    if (p) p.status = e.response.status;
  });
  await browser.page.goto(origin);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await dashboard.stop(true);
  await world?.dispose();
});

interface Answer {
  status: number;
  type: string | null;
  json?: any;
  /** The first bytes of a binary answer. */
  head?: number[];
}

/** One call as the dashboard makes it: fetch() in its page, the key in a header, JSON bodies. */
async function call(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { 'X-Api-Key': KEY, Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await browser.page.evaluate(
    async (url, init) => {
      try {
        const res = await fetch(url, init);
        const type = res.headers.get('content-type');
        if (type?.includes('json')) {
          const text = await res.text();
          return { status: res.status, type, json: text ? JSON.parse(text) : null };
        }
        return { status: res.status, type, head: [...new Uint8Array(await res.arrayBuffer()).slice(0, 8)] };
      } catch (e) {
        return { refused: String(e) };
      }
    },
    new URL(path, svc.url).href,
    { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
  );
  if ('refused' in answer) throw new Error(`${method} ${path}: the browser refused the answer (${answer.refused})`);
  return answer as Answer;
}

/** The page's WebSocket, as the dashboard's event monitor opens it; returns when it has `count` of `event`. */
async function openMonitor(query: string): Promise<void> {
  const url = new URL(`/ws?${query}&x-api-key=${KEY}`, svc.url);
  url.protocol = 'ws:';
  await browser.page.evaluate(async (u) => {
    const w = window as unknown as { events: unknown[] };
    w.events = [];
    const ws = new WebSocket(u);
    ws.onmessage = (m) => w.events.push(JSON.parse(String(m.data)));
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
  }, url.href);
}

/** Waits in the page for an event of the monitor that matches. */
async function monitorSaw(event: string, status?: string): Promise<void> {
  await browser.page.waitForFunction(
    (e, s) =>
      (window as unknown as { events: { event: string; payload?: { status?: string } }[] }).events.some(
        (x) => x.event === e && (s === null || x.payload?.status === s),
      ),
    { timeout: 30_000 },
    event,
    status ?? null,
  );
}

const PNG = [0x89, 0x50, 0x4e, 0x47];
const media = (mimetype: string, bytes: Uint8Array, filename: string) => ({
  mimetype,
  filename,
  data: Buffer.from(bytes).toString('base64'),
});

test(
  "the dashboard's calls, cross-origin with preflights: connect, create, pair, chats, send, keys, apps, lifecycle, restart worker",
  async () => {
    // Connected or not: the version, the sessions, the server's status and its Variables table.
    const version = await call('GET', '/api/version');
    expect(version).toMatchObject({ status: 200, json: { version: expect.any(String), engine: 'WEBJS' } });
    expect((await call('GET', '/api/server/version')).json).toEqual(version.json);
    expect(await call('GET', '/api/sessions?all=true')).toMatchObject({ status: 200, json: [] });
    expect(await call('GET', '/api/server/status')).toMatchObject({ status: 200, json: { startTimestamp: expect.any(Number) } });
    const environment = await call('GET', '/api/server/environment?all=false');
    expect(environment.status).toBe(200);
    expect(environment.json.WAHA_API_KEY).not.toBe(KEY); // masked

    // The event monitor, with engine events as its checkbox adds them.
    await openMonitor('session=*&events=*&events=engine.event');

    // A new session from the create dialog; its QR; the screenshot.
    world.allowControl(NAME);
    const page = world.sim.nextPage();
    const created = await call('POST', '/api/sessions', {
      name: NAME,
      start: true,
      config: { metadata: { 'user.id': '42' }, webhooks: [], debug: false },
    });
    expect(created).toMatchObject({ status: 201, json: { name: NAME, status: 'STARTING' } });
    const sim = world.sim.control((await page).profileId);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 30_000);
    await monitorSaw('session.status', 'SCAN_QR_CODE');
    const qr = await call('GET', `/api/${NAME}/auth/qr?format=image`, undefined, 'image/png');
    expect(qr).toMatchObject({ status: 200, type: 'image/png' });
    expect(qr.head?.slice(0, 4)).toEqual(PNG);
    const shot = await call('GET', `/api/screenshot?session=${NAME}`, undefined, 'image/png');
    expect(shot).toMatchObject({ status: 200, type: 'image/png' });

    // The phone scans: WORKING reaches the monitor and the session's card.
    await sim.scan();
    await monitorSaw('session.status', 'WORKING');
    const info = await call('GET', `/api/sessions/${NAME}`);
    expect(info.json).toMatchObject({
      name: NAME,
      status: 'WORKING',
      me: { id: expect.stringMatching(/@c\.us$/) },
      timestamps: { activity: expect.any(Number) },
      config: { metadata: { 'user.id': '42' } },
    });
    expect(info.json).toHaveProperty('assignedWorker');
    expect([null, 'online', 'offline']).toContain(info.json.presence);
    const listed = await call('GET', '/api/sessions?all=true');
    expect(listed.json.map((s: { name: string }) => s.name)).toEqual([NAME]);
    const updated = await call('PUT', `/api/sessions/${NAME}`, { config: { metadata: { 'user.id': '43' } } });
    expect(updated).toMatchObject({ status: 200, json: { name: NAME, config: { metadata: { 'user.id': '43' } } } });

    // Its chat list, a chat's history newest first with paging, one message, read.
    const incoming = await sim.receive({ from: PEER, body: 'hello dashboard' });
    await monitorSaw('message');
    const overview = await call('GET', `/api/${NAME}/chats/overview?limit=10&merge=true`);
    expect(overview.status).toBe(200);
    expect(overview.json[0]).toMatchObject({ id: PEER, lastMessage: { id: incoming, body: 'hello dashboard' } });
    const history = `/api/${NAME}/chats/${PEER}/messages?sortBy=messageTimestamp&sortOrder=desc`;
    const first = await call('GET', `${history}&limit=5&offset=0`);
    const second = await call('GET', `${history}&limit=5&offset=5`);
    expect(first.json).toHaveLength(5);
    expect(first.json[0].id).toBe(incoming);
    expect(second.json).toHaveLength(5);
    const seen = new Set([...first.json, ...second.json].map((m: { id: string }) => m.id));
    expect(seen.size).toBe(10); // the second page is the next five, not the first again
    const one = await call('GET', `/api/${NAME}/chats/${PEER}/messages/${encodeURIComponent(incoming)}`);
    expect(one).toMatchObject({ status: 200, json: { id: incoming, body: 'hello dashboard', fromMe: false } });
    const read = await call('POST', `/api/${NAME}/chats/${PEER}/messages/read`, {});
    expect([200, 201]).toContain(read.status);
    expect((await sim.actions()).some((a) => a.kind === 'seen' && a.chatId === PEER)).toBe(true);

    // Sending from the chat view: text, image, video, voice, file; the contact's picture.
    const sends: [string, Record<string, unknown>, string][] = [
      ['sendText', { text: 'from the dashboard' }, 'chat'],
      ['sendImage', { file: media('image/png', PNG_1X1, 'dot.png'), caption: 'a dot' }, 'image'],
      ['sendVideo', { file: media('video/mp4', Buffer.from('\0\0\0\x18ftypmp42-video'), 'v.mp4') }, 'video'],
      ['sendVoice', { file: media('audio/ogg; codecs=opus', Buffer.from('OggS-voice'), 'v.ogg') }, 'ptt'],
      ['sendFile', { file: media('application/pdf', Buffer.from('%PDF-1.4 x'), 'doc.pdf') }, 'document'],
    ];
    for (const [route, body, type] of sends) {
      const sent = await call('POST', `/api/${route}`, { session: NAME, chatId: PEER, ...body });
      expect(sent.status, route).toBe(201);
      await sim.waitForOutbox({ id: sent.json.id._serialized, chatId: PEER, type });
    }
    const picture = await call('GET', `/api/contacts/profile-picture?contactId=${PEER}&session=${NAME}`);
    expect(picture.status).toBe(200);
    expect(picture.json).toHaveProperty('profilePictureURL');

    // The API-keys dialog: create, list, rename, delete.
    const key = await call('POST', '/api/keys', { isAdmin: false, session: NAME, isActive: true });
    const id: string = key.json.id;
    expect(key.status).toBe(201);
    expect(id).toStartWith('key_id_');
    expect(key.json.session).toBe(NAME);
    expect((await call('GET', '/api/keys')).json.map((k: { id: string }) => k.id)).toContain(id);
    const renamed = await call('PUT', `/api/keys/${id}`, { isAdmin: false, session: NAME, isActive: false });
    expect(renamed).toMatchObject({ status: 200, json: { id, isActive: false } });
    expect((await call('DELETE', `/api/keys/${id}`)).status).toBe(200);

    // The apps dialog gets WAHA's "apps are off" answer (an error it shows, not a broken page).
    const apps = await call('GET', `/api/apps?session=${NAME}`);
    expect(apps).toMatchObject({ status: 422, json: { statusCode: 422 } });

    // The session's buttons: restart, stop, start, logout (a new QR, a pairing code), delete.
    expect((await call('POST', `/api/sessions/${NAME}/restart`)).status).toBe(201);
    await reach(svc.sessions, NAME, 'WORKING', 30_000);
    expect(await call('POST', `/api/sessions/${NAME}/stop`)).toMatchObject({ status: 201, json: { status: 'STOPPED' } });
    expect((await call('POST', `/api/sessions/${NAME}/start`)).status).toBe(201);
    await reach(svc.sessions, NAME, 'WORKING', 30_000);
    expect((await call('POST', `/api/sessions/${NAME}/logout`)).status).toBe(201);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 30_000);
    const code = await call('POST', `/api/${NAME}/auth/request-code`, { phoneNumber: '15550001000' });
    expect(code).toMatchObject({ status: 201, json: { code: expect.stringMatching(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/) } });
    expect((await call('DELETE', `/api/sessions/${NAME}`)).status).toBe(200);
    expect((await call('GET', '/api/sessions?all=true')).json).toEqual([]);

    // The "restart worker" button: answered first, then the process ends for its supervisor.
    expect(await call('POST', '/api/server/stop', { force: false })).toMatchObject({ status: 201, json: { stopping: true } });

    // Chromium preflighted the calls carrying the key, and every preflight was answered 2xx. Which
    // methods it asked about depends on its preflight cache: an answer for a URL lists every method
    // and is reused for about 5 s, so a DELETE right after a PUT on the same URL goes unasked.
    const asked = [...preflights.values()];
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.filter((p) => p.status === undefined || p.status >= 300)).toEqual([]);
    expect(asked.filter((p) => !['GET', 'POST', 'PUT', 'DELETE'].includes(p.method))).toEqual([]);
    expect(asked.some((p) => p.method === 'POST')).toBe(true);
  },
  TEST_MS,
);
