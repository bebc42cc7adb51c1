/**
 * Sessions end to end: the service with the real whatsapp-web.js engine in real Chromium, against
 * the WhatsApp Web simulator. Each test has its own session (its own browser), paired through
 * the simulator where it needs one, so any test runs alone: `bun test -t '<name>'`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import type { BusEvent } from '../../src/events/bus';
import { DEFAULT_ME, simLid } from '../sim/index';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { decodeQrPng, nextStatus, reach } from '../support/waits';
import { browsersOf, E2eWorld, hasSingletonLock, http, processesOf } from '../support/world';

const ME = { id: `${DEFAULT_ME.number}@c.us`, pushName: DEFAULT_ME.pushName, lid: simLid(`${DEFAULT_ME.number}@c.us`) };
const T = 60_000;
let world: E2eWorld;
let svc: RunningService;
/** WAHA_PRINT_QR's printer, captured: every QR the service would show in the terminal, by session. */
const printed = new Map<string, string[]>();
const waitingForPrint = new Map<string, (value: string) => void>();
const printQr = (session: string, value: string) => {
  printed.set(session, [...(printed.get(session) ?? []), value]);
  waitingForPrint.get(session)?.(value);
};
const printedOf = (session: string) => printed.get(session) ?? [];

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_PRINT_QR: 'true' }, { printQr });
});
afterAll(async () => {
  await world.dispose();
});
// Each test's session goes with it: the next test has the service's whole session budget.
afterEach(async () => {
  for (const s of svc.sessions.list(true)) await svc.sessions.delete(s.name);
});

/**
 * A WORKING session whose login is on disk: WhatsApp Web's page writes it lazily, so a browser
 * SIGKILLed right after pairing may lose it (as real WhatsApp Web would); one graceful restart
 * flushes it.
 */
async function durableSession(name: string) {
  const sim = await workingSession(world, svc, name);
  const back = nextStatus(svc.bus, name, 'WORKING', 20_000);
  await http(svc, 'POST', `/api/sessions/${name}/restart`);
  await back;
  return sim;
}

/** The statuses `name` goes through from now until `until` (inclusive). */
function statusesUntil(service: RunningService, name: string, until: string, ms = 20_000): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${until} within ${ms} ms; saw ${seen.join(' → ')}`));
    }, ms);
    const off = service.bus.subscribe((e: BusEvent) => {
      if (e.session !== name || e.event !== 'session.status') return;
      const status = (e.payload as { status: string }).status;
      seen.push(status);
      if (status === until) {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}

/** A session showing its QR, with its page's control. */
async function scanning(name: string, config: Record<string, unknown> = {}) {
  world.allowControl(name);
  const page = world.sim.nextPage();
  const res = await http(svc, 'POST', '/api/sessions', { name, config });
  expect(res.status).toBe(201);
  const control = world.sim.control((await page).profileId);
  await reach(svc.sessions, name, 'SCAN_QR_CODE', 20_000);
  return control;
}

describe('a session in real Chromium', () => {
  test(
    'create → SCAN_QR_CODE; the PNG decodes to format=raw; a refreshed QR is printed and served',
    async () => {
      const name = 'qr';
      const sim = await scanning(name, { metadata: { tenant: 't1' } });
      const { value } = await (await http(svc, 'GET', `/api/${name}/auth/qr?format=raw`)).json();
      expect(value.split(',')).toHaveLength(5);
      const png = await http(svc, 'GET', `/api/${name}/auth/qr`);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(decodeQrPng(new Uint8Array(await png.arrayBuffer()))).toBe(value);
      const json = await (await http(svc, 'GET', `/api/${name}/auth/qr`, undefined, { accept: 'application/json' })).json();
      expect(decodeQrPng(Buffer.from(json.data, 'base64'))).toBe(value);
      expect(printedOf(name)).toEqual([value]);

      const next = new Promise<string>((resolve) => waitingForPrint.set(name, resolve));
      const ref = await sim.refreshQr();
      expect(await next).toStartWith(`${ref},`);
      waitingForPrint.delete(name);
      const served = (await (await http(svc, 'GET', `/api/${name}/auth/qr?format=raw`)).json()).value;
      expect(served).toStartWith(`${ref},`);
      expect(printedOf(name)).toEqual([value, served]);
    },
    T,
  );

  test(
    'POST /api/sessions answers STARTING at once (the browser launches meanwhile); a QR asked for right away waits for it',
    async () => {
      const name = 'early';
      world.allowControl(name);
      const res = await http(svc, 'POST', '/api/sessions', { name });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ name, status: 'STARTING', me: null });
      // Chromium is still loading the page: the QR call waits (on the status events, up to 5 s) for SCAN_QR_CODE.
      const qr = await http(svc, 'GET', `/api/${name}/auth/qr?format=raw`);
      if (qr.status === 422) {
        // A loaded machine took longer than WAHA's 5 s: the 422 says it was still STARTING.
        expect(await qr.json()).toMatchObject({ status: 'STARTING', expected: ['SCAN_QR_CODE'] });
        await reach(svc.sessions, name, 'SCAN_QR_CODE', 20_000);
      } else {
        expect(qr.status).toBe(200);
        expect((await qr.json()).value.split(',')).toHaveLength(5);
      }
      expect(svc.sessions.get(name).status).toBe('SCAN_QR_CODE');
    },
    T,
  );

  test(
    "scan → WORKING with me (id, pushName, lid); WAHA's SessionInfo; errors: bad name 400, unknown 404, duplicate 422, QR when WORKING 422; a screenshot",
    async () => {
      const name = 'paired';
      const sim = await workingSession(world, svc, name, { webjs: { tagsEventsOn: true } });
      expect(await (await http(svc, 'GET', `/api/sessions/${name}/me`)).json()).toEqual(ME);
      const worker = (await (await http(svc, 'GET', '/api/server/version')).json()).worker.id;
      const info = await (await http(svc, 'GET', `/api/sessions/${name}`)).json();
      expect(info).toMatchObject({
        name,
        status: 'WORKING',
        me: ME,
        config: { webjs: { tagsEventsOn: true } },
        presence: null,
        assignedWorker: worker,
        apps: null,
        engine: { engine: 'WEBJS' },
      });
      expect(info.timestamps.activity).toBeGreaterThan(Date.now() - 60_000);
      const [listed] = await (await http(svc, 'GET', '/api/sessions?expand=apps')).json();
      expect(listed).toMatchObject({ name, apps: [], assignedWorker: worker, me: ME });
      // The presence set through the API is the session's presence; the page got it too.
      for (const [presence, page] of [
        ['offline', 'unavailable'],
        ['online', 'available'],
      ] as const) {
        expect((await http(svc, 'POST', `/api/${name}/presence`, { presence })).status).toBe(201);
        expect((await sim.presences()).presence).toBe(page);
        expect((await (await http(svc, 'GET', `/api/sessions/${name}`)).json()).presence).toBe(presence);
      }
      expect((await (await http(svc, 'GET', '/health')).json()).whatsapp_ready).toBe(true);
      expect((await http(svc, 'GET', '/api/sessions/bad.name')).status).toBe(400);
      const unknown = await http(svc, 'GET', '/api/sessions/nobody');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Session not found' });
      const duplicate = await http(svc, 'POST', '/api/sessions', { name });
      expect(duplicate.status).toBe(422);
      expect(await duplicate.json()).toEqual({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: `Session '${name}' already exists. Use PUT to update it.`,
      });
      const qr = await http(svc, 'GET', `/api/${name}/auth/qr`);
      expect(qr.status).toBe(422);
      const what = { session: name, status: 'WORKING', expected: ['SCAN_QR_CODE'] };
      expect(await qr.json()).toMatchObject({ ...what, details: what, error: 'Unprocessable Entity' });
      const shot = await http(svc, 'GET', `/api/screenshot?session=${name}`);
      expect(shot.headers.get('content-type')).toBe('image/png');
    },
    T,
  );

  test(
    "SIGKILL of the session's Chromium → STARTING → WORKING again, without a QR",
    async () => {
      const name = 'killed';
      await durableSession(name);
      const before = printedOf(name).length;
      const pid = svc.sessions.memoryView().find((v) => v.session === name)!.pid!;
      const seen = statusesUntil(svc, name, 'WORKING');
      process.kill(pid, 'SIGKILL');
      expect(await seen).toEqual(['STARTING', 'WORKING']);
      expect(printedOf(name)).toHaveLength(before);
      expect(browsersOf(world.sessionDir(name))).toHaveLength(1);
    },
    T,
  );

  test(
    'a transient disconnect (CONFLICT) is retried: STARTING → WORKING, no QR',
    async () => {
      const name = 'conflict';
      const sim = await durableSession(name);
      const before = printedOf(name).length;
      const seen = statusesUntil(svc, name, 'WORKING');
      await sim.disconnect('CONFLICT');
      expect(await seen).toEqual(['STARTING', 'WORKING']);
      expect(printedOf(name)).toHaveLength(before);
      expect(browsersOf(world.sessionDir(name))).toHaveLength(1);
    },
    T,
  );

  test(
    '20 concurrent start/stop/restart calls end in one consistent state with one browser or none',
    async () => {
      const name = 'concurrent';
      await workingSession(world, svc, name);
      const dir = world.sessionDir(name);
      // Mostly no-ops around a few real launches: the lock's logic is covered call by call in
      // test/sessions.test.ts; here real browsers show there is never a second one.
      const ops =
        'start start restart stop stop start start start stop stop stop start restart start start stop start start start stop'.split(' ');
      let most = 0;
      const off = svc.bus.subscribe((e) => {
        if (e.session === name) most = Math.max(most, browsersOf(dir).length);
      });
      const replies = await Promise.all(ops.map((op) => http(svc, 'POST', `/api/sessions/${name}/${op}`)));
      off();
      expect(replies.map((r) => r.status)).toEqual(ops.map(() => 201));
      expect(most).toBeLessThanOrEqual(1);
      // Requests on separate connections may reach the server in any order: the end state is the
      // last one's, and it must be consistent — STOPPED with no process, or running with one browser.
      // A start answers STARTING while its browser launches: a running end state is judged once WORKING.
      const status = svc.sessions.get(name).status;
      if (status === 'STOPPED') {
        expect(processesOf(dir)).toEqual([]);
        expect(hasSingletonLock(dir)).toBe(false);
      } else {
        expect(['STARTING', 'WORKING']).toContain(status);
        await reach(svc.sessions, name, 'WORKING', 20_000);
        expect(browsersOf(dir)).toHaveLength(1);
      }
      await http(svc, 'POST', `/api/sessions/${name}/start`);
      await reach(svc.sessions, name, 'WORKING', 20_000);
      expect(browsersOf(dir)).toHaveLength(1);
    },
    T,
  );

  test(
    'PUT on a running session restarts it with the new config; the login is kept',
    async () => {
      const name = 'updated';
      await workingSession(world, svc, name, { metadata: { tenant: 't1' } });
      const seen = statusesUntil(svc, name, 'WORKING');
      const res = await http(svc, 'PUT', `/api/sessions/${name}`, { config: { metadata: { tenant: 't2' } } });
      expect(res.status).toBe(200);
      expect(await seen).toEqual(['STARTING', 'WORKING']);
      expect(svc.sessions.get(name).config).toEqual({ metadata: { tenant: 't2' } });
      expect(browsersOf(world.sessionDir(name))).toHaveLength(1);
    },
    T,
  );

  test(
    'POST logout unlinks and removes the login: a new QR, and a pairing code can be asked for',
    async () => {
      const name = 'logout';
      await workingSession(world, svc, name);
      const before = printedOf(name).length;
      const res = await http(svc, 'POST', `/api/sessions/${name}/logout`);
      expect(res.status).toBe(201);
      await reach(svc.sessions, name, 'SCAN_QR_CODE', 20_000);
      expect(svc.sessions.me(name)).toBeNull();
      expect(printedOf(name)).toHaveLength(before + 1); // the new QR after the logout
      const code = await http(svc, 'POST', `/api/${name}/auth/request-code`, { phoneNumber: '15550001000' });
      expect(code.status).toBe(201);
      expect((await code.json()).code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    },
    T,
  );

  test(
    'logout from the phone is not retried: a new browser shows a new QR',
    async () => {
      const name = 'unlinked';
      const sim = await workingSession(world, svc, name);
      const seen = statusesUntil(svc, name, 'SCAN_QR_CODE');
      await sim.logoutFromPhone();
      expect(await seen).toEqual(['STARTING', 'SCAN_QR_CODE']);
      expect(await (await http(svc, 'GET', `/api/sessions/${name}/me`)).text()).toBe('');
      expect(browsersOf(world.sessionDir(name))).toHaveLength(1);
    },
    T,
  );

  test(
    'stop leaves no Chromium process and no SingletonLock; delete removes the folder and the row, twice',
    async () => {
      const name = 'removed';
      await scanning(name);
      const dir = world.sessionDir(name);
      expect((await http(svc, 'POST', `/api/sessions/${name}/stop`)).status).toBe(201);
      expect(processesOf(dir)).toEqual([]);
      expect(hasSingletonLock(dir)).toBe(false);
      await http(svc, 'POST', `/api/sessions/${name}/start`);
      await reach(svc.sessions, name, 'SCAN_QR_CODE', 20_000);
      expect((await http(svc, 'DELETE', `/api/sessions/${name}`)).status).toBe(200);
      expect(processesOf(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
      expect((await http(svc, 'GET', `/api/sessions/${name}`)).status).toBe(404);
      expect((await http(svc, 'DELETE', `/api/sessions/${name}`)).status).toBe(200);
    },
    T,
  );
});

describe('a service restart', () => {
  test(
    'brings a running session back WORKING with no QR and its config; the old browser is gone',
    async () => {
      // A world of its own: this test stops its service.
      const own = new E2eWorld();
      try {
        const first = await own.start();
        const name = 'restarted';
        await workingSession(own, first, name, { metadata: { tenant: 't1' } });
        await first.stop();
        expect(processesOf(own.sessionDir(name))).toEqual([]);
        const shown: string[] = [];
        const second = await own.start({ WAHA_PRINT_QR: 'true' }, { printQr: (_s, v) => shown.push(v) });
        await second.restored;
        await reach(second.sessions, name, 'WORKING', 20_000);
        expect(shown).toEqual([]);
        expect(second.sessions.get(name).config).toEqual({ metadata: { tenant: 't1' } });
      } finally {
        await own.dispose();
      }
    },
    T,
  );
});
