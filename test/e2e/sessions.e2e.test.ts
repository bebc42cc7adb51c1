/**
 * Sessions end to end: the service with the real whatsapp-web.js engine in real Chromium, against
 * the WhatsApp Web simulator. One browser-backed session ('e2e') is carried through the whole
 * story — QR, pairing, crash, service restart, concurrent calls, logout, stop, delete — to keep
 * the suite fast on two cores.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import type { BusEvent } from '../../src/events/bus';
import type { RunningService } from '../../src/service';
import { decodeQrPng, nextStatus, reach } from '../helpers/sessions';
import { browsersOf, E2eWorld, hasSingletonLock, http, processesOf } from '../helpers/sessions-e2e';
import { DEFAULT_ME } from '../sim/index';

const NAME = 'e2e';
const ME = { id: `${DEFAULT_ME.number}@c.us`, pushName: DEFAULT_ME.pushName };
let world: E2eWorld;
let svc: RunningService;
let dir: string;
const printed: string[] = [];
let onPrinted: ((value: string) => void) | null = null;
/** WAHA_PRINT_QR's printer, captured: every QR the service would show in the terminal. */
const printQr = (_session: string, value: string) => {
  printed.push(value);
  onPrinted?.(value);
};

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_PRINT_QR: 'true' }, { printQr });
  dir = world.sessionDir(NAME);
});
afterAll(async () => {
  await world.dispose();
});

/** The statuses `name` goes through from now until `until` (inclusive). */
function statusesUntil(until: string, ms = 15_000): Promise<string[]> {
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${until} within ${ms} ms; saw ${seen.join(' → ')}`));
    }, ms);
    const off = svc.bus.subscribe((e: BusEvent) => {
      if (e.session !== NAME || e.event !== 'session.status') return;
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

describe('one session through its whole life, in real Chromium', () => {
  test('create → SCAN_QR_CODE within 5 s; the PNG decodes to format=raw; a refreshed QR is served', async () => {
    world.allowControl(NAME);
    const t0 = performance.now();
    const res = await http(svc, 'POST', '/api/sessions', { name: NAME, config: { metadata: { tenant: 't1' } } });
    expect(res.status).toBe(201);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 5000);
    expect(performance.now() - t0).toBeLessThan(5000);

    const { value } = await (await http(svc, 'GET', `/api/${NAME}/auth/qr?format=raw`)).json();
    expect(value.split(',')).toHaveLength(5);
    const png = await http(svc, 'GET', `/api/${NAME}/auth/qr`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(decodeQrPng(new Uint8Array(await png.arrayBuffer()))).toBe(value);
    const json = await (await http(svc, 'GET', `/api/${NAME}/auth/qr`, undefined, { accept: 'application/json' })).json();
    expect(decodeQrPng(Buffer.from(json.data, 'base64'))).toBe(value);
    expect(printed).toEqual([value]);

    const next = new Promise<string>((resolve) => {
      onPrinted = resolve;
    });
    const ref = await world.sim.control().refreshQr();
    expect(await next).toStartWith(`${ref},`);
    onPrinted = null;
    const served = (await (await http(svc, 'GET', `/api/${NAME}/auth/qr?format=raw`)).json()).value;
    expect(served).toStartWith(`${ref},`);
    expect(printed).toEqual([value, served]);
  }, 30_000);

  test('simulated scan → WORKING with me; errors: bad name 400, unknown 404, duplicate 422, QR when WORKING 422', async () => {
    const working = nextStatus(svc.bus, NAME, 'WORKING', 10_000);
    await world.sim.control().scan();
    await working;
    expect(await (await http(svc, 'GET', `/api/sessions/${NAME}/me`)).json()).toEqual(ME);
    expect((await (await http(svc, 'GET', '/health')).json()).whatsapp_ready).toBe(true);
    expect((await http(svc, 'GET', '/api/sessions/bad.name')).status).toBe(400);
    expect((await http(svc, 'GET', '/api/sessions/nobody')).status).toBe(404);
    expect((await http(svc, 'POST', '/api/sessions', { name: NAME })).status).toBe(422);
    const qr = await http(svc, 'GET', `/api/${NAME}/auth/qr`);
    expect(qr.status).toBe(422);
    expect((await qr.json()).details).toEqual({ session: NAME, status: 'WORKING', expected: ['SCAN_QR_CODE'] });
    const shot = await http(svc, 'GET', `/api/screenshot?session=${NAME}`);
    expect(shot.headers.get('content-type')).toBe('image/png');
  }, 30_000);

  test('a service restart brings the session back WORKING with no QR; the old browser is gone', async () => {
    await svc.stop();
    expect(processesOf(dir)).toEqual([]);
    svc = await world.start({ WAHA_PRINT_QR: 'true' }, { printQr });
    await svc.restored;
    await reach(svc.sessions, NAME, 'WORKING', 10_000);
    expect(printed).toHaveLength(2); // the first QR and its refresh: none since
    expect(svc.sessions.get(NAME).config).toEqual({ metadata: { tenant: 't1' } });
  });

  // After the restart: a graceful close has flushed the login to the profile (a SIGKILL right
  // after pairing may lose it, as it would with real WhatsApp Web).
  test("SIGKILL of the session's Chromium → STARTING → WORKING again, without a QR", async () => {
    const pid = svc.sessions.browsers()[0]!.pid;
    const seen = statusesUntil('WORKING');
    process.kill(pid, 'SIGKILL');
    expect(await seen).toEqual(['STARTING', 'WORKING']);
    expect(printed).toHaveLength(2); // the first QR and its refresh: none since
    expect(browsersOf(dir)).toHaveLength(1);
  }, 30_000);

  test('a transient disconnect (CONFLICT) is retried: STARTING → WORKING, no QR', async () => {
    const seen = statusesUntil('WORKING');
    await world.sim.control().disconnect('CONFLICT');
    expect(await seen).toEqual(['STARTING', 'WORKING']);
    expect(printed).toHaveLength(2); // the first QR and its refresh: none since
    expect(browsersOf(dir)).toHaveLength(1);
  }, 30_000);

  test('20 concurrent start/stop/restart calls end in one consistent state with one browser or none', async () => {
    // Mostly no-ops around a few real launches: the lock's logic is covered call by call in
    // test/sessions.test.ts; here real browsers show there is never a second one.
    const ops = [
      'start',
      'start',
      'restart',
      'stop',
      'stop',
      'start',
      'start',
      'start',
      'stop',
      'stop',
      'stop',
      'start',
      'restart',
      'start',
      'start',
      'stop',
      'start',
      'start',
      'start',
      'stop',
    ];
    let most = 0;
    const off = svc.bus.subscribe((e) => {
      if (e.session === NAME) most = Math.max(most, browsersOf(dir).length);
    });
    const replies = await Promise.all(ops.map((op) => http(svc, 'POST', `/api/sessions/${NAME}/${op}`)));
    off();
    expect(replies.map((r) => r.status)).toEqual(ops.map(() => 201));
    expect(most).toBeLessThanOrEqual(1);
    // Requests on separate connections may reach the server in any order: the end state is the
    // last one's, and it must be consistent — STOPPED with no process, or running with one browser.
    const status = svc.sessions.get(NAME).status;
    if (status === 'STOPPED') {
      expect(processesOf(dir)).toEqual([]);
      expect(hasSingletonLock(dir)).toBe(false);
    } else {
      expect(['STARTING', 'WORKING']).toContain(status);
      expect(browsersOf(dir)).toHaveLength(1);
    }
    await http(svc, 'POST', `/api/sessions/${NAME}/start`);
    await reach(svc.sessions, NAME, 'WORKING', 10_000);
    expect(browsersOf(dir)).toHaveLength(1);
  }, 30_000);

  test('PUT on a running session restarts it with the new config; the login is kept', async () => {
    const seen = statusesUntil('WORKING');
    const res = await http(svc, 'PUT', `/api/sessions/${NAME}`, { config: { metadata: { tenant: 't2' } } });
    expect(res.status).toBe(200);
    expect(await seen).toEqual(['STARTING', 'WORKING']);
    expect(svc.sessions.get(NAME).config).toEqual({ metadata: { tenant: 't2' } });
    expect(browsersOf(dir)).toHaveLength(1);
  }, 30_000);

  test('POST logout unlinks and removes the login: a new QR, and a pairing code can be asked for', async () => {
    const res = await http(svc, 'POST', `/api/sessions/${NAME}/logout`);
    expect(res.status).toBe(201);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 10_000);
    expect(svc.sessions.me(NAME)).toBeNull();
    expect(printed).toHaveLength(3); // the new QR after the logout
    const code = await http(svc, 'POST', `/api/${NAME}/auth/request-code`, { phoneNumber: '15550001000' });
    expect(code.status).toBe(201);
    expect((await code.json()).code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  }, 30_000);

  test('logout from the phone is not retried: a new browser shows a new QR', async () => {
    // The logout removed the profile and with it the permission to reach the control server.
    await http(svc, 'POST', `/api/sessions/${NAME}/stop`);
    world.allowControl(NAME);
    await http(svc, 'POST', `/api/sessions/${NAME}/start`);
    const working = nextStatus(svc.bus, NAME, 'WORKING', 10_000);
    await world.sim.control().scan();
    await working;
    const seen = statusesUntil('SCAN_QR_CODE');
    await world.sim.control().logoutFromPhone();
    expect(await seen).toEqual(['STARTING', 'SCAN_QR_CODE']);
    expect(await (await http(svc, 'GET', `/api/sessions/${NAME}/me`)).text()).toBe('');
    expect(browsersOf(dir)).toHaveLength(1);
  }, 30_000);

  test('stop leaves no Chromium process and no SingletonLock; delete removes the folder and the row', async () => {
    expect((await http(svc, 'POST', `/api/sessions/${NAME}/stop`)).status).toBe(201);
    expect(processesOf(dir)).toEqual([]);
    expect(hasSingletonLock(dir)).toBe(false);
    await http(svc, 'POST', `/api/sessions/${NAME}/start`);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE');
    expect((await http(svc, 'DELETE', `/api/sessions/${NAME}`)).status).toBe(200);
    expect(processesOf(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    expect((await http(svc, 'GET', `/api/sessions/${NAME}`)).status).toBe(404);
    expect((await http(svc, 'DELETE', `/api/sessions/${NAME}`)).status).toBe(200);
  }, 30_000);
});
