/**
 * SessionManager logic over a stand-in engine: statuses and their history, the QR rule,
 * reconnect with backoff, logout from the phone, the lock under concurrent calls, persistence and
 * restore. The same features run against real Chromium in test/e2e/sessions.e2e.test.ts.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BusEvent } from '../src/events/bus';
import { KeyedLock } from '../src/lock';
import { reconnectDelay } from '../src/modules/sessions/backoff';
import { terminalQrPrinter } from '../src/modules/sessions/qr';
import { settle } from './support/clock';
import { FAKE_ME, fakeManager, type ManagerFixture } from './support/fake-engine';
import { nextStatus, reach } from './support/waits';

let f: ManagerFixture;
afterEach(async () => {
  await f?.dispose();
});

const statusEvents = (fx: ManagerFixture) => {
  const seen: BusEvent[] = [];
  fx.bus.subscribe((e) => {
    if (e.event === 'session.status') seen.push(e);
  });
  return seen;
};

describe('lifecycle', () => {
  test('create → STARTING → SCAN_QR_CODE → scan → WORKING with me; every change is a session.status event', async () => {
    f = await fakeManager();
    const events = statusEvents(f);
    const created = await f.manager.create({ name: 'a', config: { metadata: { 'user.id': '7' } } });
    expect(created.name).toBe('a');
    await reach(f.manager, 'a', 'SCAN_QR_CODE');
    expect(await f.manager.qr('a')).toStartWith('ref-');
    expect(f.printed).toHaveLength(1);
    f.engine('a').scan();
    await reach(f.manager, 'a', 'WORKING');
    expect(f.manager.me('a')).toEqual(FAKE_ME);
    expect(f.manager.list()).toEqual([
      {
        name: 'a',
        status: 'WORKING',
        config: { metadata: { 'user.id': '7' } },
        me: FAKE_ME,
        presence: null,
        timestamps: { activity: f.clock.now() },
        assignedWorker: null,
        apps: null,
      },
    ]);
    expect(events.map((e) => (e.payload as { status: string }).status)).toEqual(['STARTING', 'SCAN_QR_CODE', 'STARTING', 'WORKING']);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ session: 'a', metadata: { 'user.id': '7' }, me: FAKE_ME });
    const payload = last.payload as { name: string; statuses: { status: string; timestamp: number }[] };
    expect(payload.name).toBe('a');
    expect(payload.statuses.map((s) => s.status)).toEqual(['STARTING', 'SCAN_QR_CODE', 'STARTING', 'WORKING']);
  });

  test('create, start and restart answer STARTING at once while the browser launches (as WAHA); the launch goes on in the background', async () => {
    f = await fakeManager();
    let release = () => {};
    f.world.gate = new Promise<void>((resolve) => (release = resolve));
    expect((await f.manager.create({ name: 'slow' })).status).toBe('STARTING');
    expect(f.world.live.size).toBe(0); // still launching
    expect((await f.manager.restart('slow')).status).toBe('STARTING');
    expect((await f.manager.start('slow')).status).toBe('STARTING');
    release();
    await reach(f.manager, 'slow', 'SCAN_QR_CODE');
    expect(f.world.built).toHaveLength(2); // create's launch was stopped by the restart
    expect(f.world.live.size).toBe(1);
  });

  test('a stop during a launch leaves no browser; the launch does not bring the session back', async () => {
    f = await fakeManager();
    let release = () => {};
    f.world.gate = new Promise<void>((resolve) => (release = resolve));
    const events = statusEvents(f);
    await f.manager.create({ name: 'halted' });
    expect((await f.manager.stop('halted')).status).toBe('STOPPED');
    release();
    await f.engine('halted').launch?.catch(() => {});
    await settle(); // the failed launch's own handling, under the lock
    expect(f.world.live.size).toBe(0);
    expect(f.manager.get('halted').status).toBe('STOPPED');
    expect(events.map((e) => (e.payload as { status: string }).status)).toEqual(['STARTING', 'STOPPED']);
  });

  test('start is idempotent; stop closes the browser; start=false creates STOPPED', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'b', start: false });
    expect(f.manager.list()).toEqual([]);
    expect(f.manager.list(true).map((s) => s.status)).toEqual(['STOPPED']);
    await f.manager.start('b');
    await f.manager.start('b');
    expect(f.world.built).toHaveLength(1);
    await f.manager.stop('b');
    expect(f.world.live.size).toBe(0);
    expect(f.manager.get('b').status).toBe('STOPPED');
  });

  test("duplicate → 422 with WAHA's message; unknown → WAHA's 404; bad name → 400", async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'c', start: false });
    expect(f.manager.create({ name: 'c' })).rejects.toMatchObject({
      status: 422,
      message: "Session 'c' already exists. Use PUT to update it.",
    });
    expect(() => f.manager.get('nope')).toThrow(expect.objectContaining({ status: 404, message: 'Session not found' }));
    expect(f.manager.create({ name: '../etc' })).rejects.toMatchObject({ status: 400 });
    expect(f.manager.create({ name: 'w', config: { webhooks: [{ url: 'ftp://x', events: ['message'] }] } })).rejects.toMatchObject({
      status: 400,
    });
  });

  test('a QR asked for while STARTING waits for SCAN_QR_CODE (on the status events, up to 5 s), then 422 saying STARTING', async () => {
    f = await fakeManager();
    let release = () => {};
    f.world.gate = new Promise<void>((resolve) => (release = resolve));
    await f.manager.create({ name: 'w' });
    const asked = f.manager.qr('w');
    release();
    expect(await asked).toStartWith('ref-');

    f.world.gate = new Promise<void>(() => {}); // this launch never shows a QR
    await f.manager.restart('w');
    const late = f.manager.qr('w');
    await f.clock.advance(4999);
    expect(f.manager.get('w').status).toBe('STARTING');
    await f.clock.advance(1);
    expect(late).rejects.toMatchObject({ status: 422, fields: { session: 'w', status: 'STARTING', expected: ['SCAN_QR_CODE'] } });
    await late.catch(() => {});
    f.world.gate = null;
  });

  test('QR while WORKING → 422 with session, status and expected', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'q' });
    await reach(f.manager, 'q', 'SCAN_QR_CODE');
    f.engine('q').scan();
    await reach(f.manager, 'q', 'WORKING');
    expect(f.manager.qr('q')).rejects.toMatchObject({
      status: 422,
      details: { session: 'q', status: 'WORKING', expected: ['SCAN_QR_CODE'] },
    });
  });

  test('delete stops, removes the folder and the row, and is idempotent', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'd' });
    await reach(f.manager, 'd', 'SCAN_QR_CODE');
    const dir = join(f.dir, 'sessions', 'd');
    expect(existsSync(dir)).toBe(true);
    await f.manager.delete('d');
    await f.manager.delete('d');
    expect(f.world.live.size).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect((await f.store.sessions.list()).find((r) => r.name === 'd')).toBeUndefined();
    expect(f.manager.list(true)).toEqual([]);
  });

  test('update replaces the config and restarts a running session', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'u' });
    await reach(f.manager, 'u', 'SCAN_QR_CODE');
    const info = await f.manager.update('u', { metadata: { k: 'v' } });
    expect(info.config).toEqual({ metadata: { k: 'v' } });
    expect(f.world.built).toHaveLength(2);
    expect(f.world.live.size).toBe(1);
    expect((await f.store.sessions.list()).find((r) => r.name === 'u')?.config).toEqual({ metadata: { k: 'v' } });
  });
});

describe('QR rule', () => {
  test('more QRs than QR_MAX_COUNT → FAILED "QR not scanned", browser closed', async () => {
    f = await fakeManager({ QR_MAX_COUNT: '2' });
    await f.manager.create({ name: 'q' });
    await reach(f.manager, 'q', 'SCAN_QR_CODE');
    f.engine('q').emit({ type: 'qr', value: 'second' });
    expect(await f.manager.qr('q')).toBe('second');
    f.engine('q').emit({ type: 'qr', value: 'third' });
    await reach(f.manager, 'q', 'FAILED');
    expect(f.manager.get('q').reason).toBe('QR not scanned');
    expect(f.world.live.size).toBe(0);
  });

  test('the pairing window (first + next × (max-1)) ends unscanned → FAILED', async () => {
    f = await fakeManager({ QR_FIRST_TIMEOUT_MS: '60000', QR_NEXT_TIMEOUT_MS: '20000', QR_MAX_COUNT: '2' });
    await f.manager.create({ name: 'w' });
    await reach(f.manager, 'w', 'SCAN_QR_CODE');
    await f.clock.advance(79_999);
    expect(f.manager.get('w').status).toBe('SCAN_QR_CODE');
    await f.clock.advance(1);
    expect(f.manager.get('w')).toMatchObject({ status: 'FAILED', reason: 'QR not scanned' });
    expect(f.allFailed).toBe(1);
  });
});

test('SHOW_QR / WAHA_PRINT_QR: the terminal printer writes block art naming the session', async () => {
  const art = await new Promise<string>((resolve) => terminalQrPrinter(resolve)('s1', 'ref,noise,identity,adv,web'));
  expect(art).toContain("session 's1'");
  expect(art).toMatch(/[▀▄█]/);
});

describe('reconnect', () => {
  test('delays grow ×1.5 with ±20 % jitter', () => {
    expect([0, 1, 2].map((n) => reconnectDelay(n, 1000, () => 0.5))).toEqual([1000, 1500, 2250]);
    expect(reconnectDelay(0, 1000, () => 0)).toBe(800);
    expect(reconnectDelay(0, 1000, () => 1)).toBe(1200);
  });

  test('a crashed browser: STARTING → WORKING again, no QR (login kept)', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'r' });
    await reach(f.manager, 'r', 'SCAN_QR_CODE');
    f.engine('r').scan();
    await reach(f.manager, 'r', 'WORKING');
    const first = f.engine('r');
    const events = statusEvents(f);
    const back = nextStatus(f.bus, 'r', 'WORKING');
    first.crash();
    await f.clock.advanceWhenDue(f.config.INITIAL_RECONNECT_DELAY * 2);
    await back;
    expect(events.map((e) => (e.payload as { status: string }).status)).toEqual(['STARTING', 'WORKING']);
    expect(f.engine('r')).not.toBe(first);
    expect(f.world.live.size).toBe(1);
  });

  test('a browser that cannot start: FAILED with the reason after 1 + MAX_RECONNECT_ATTEMPTS launches; others unaffected', async () => {
    f = await fakeManager({ MAX_RECONNECT_ATTEMPTS: '3' });
    await f.manager.create({ name: 'ok' });
    await reach(f.manager, 'ok', 'SCAN_QR_CODE');
    f.world.failStart = 'Browser start failed: exit code 1';
    const before = f.world.built.length;
    await f.manager.create({ name: 'bad' });
    // Each failed launch schedules the next one (5 ms × 1.5ⁿ): three reconnects, then FAILED.
    for (let attempt = 0; attempt < 3; attempt++) await f.clock.advanceWhenDue(100);
    await reach(f.manager, 'bad', 'FAILED');
    expect(f.world.built.length - before).toBe(4);
    expect(f.manager.get('bad').reason).toBe('Browser start failed: exit code 1 (gave up after 3 reconnect attempts)');
    expect(f.manager.get('ok').status).toBe('SCAN_QR_CODE');
    expect(f.allFailed).toBe(0); // 'ok' still runs
  });

  test('disconnected with loggedOut is not retried: a fresh browser on a clean profile shows a new QR', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'l' });
    await reach(f.manager, 'l', 'SCAN_QR_CODE');
    f.engine('l').scan();
    await reach(f.manager, 'l', 'WORKING');
    f.engine('l').emit({ type: 'disconnected', info: { reason: 'LOGOUT', loggedOut: true } });
    await reach(f.manager, 'l', 'SCAN_QR_CODE');
    expect(f.manager.me('l')).toBeNull();
    expect(f.world.live.size).toBe(1);
  });
});

describe('lock', () => {
  test('runs one key in call order, other keys in parallel', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    const slow = (tag: string, ms: number) => async () => {
      order.push(`${tag}+`);
      await Bun.sleep(ms);
      order.push(`${tag}-`);
    };
    await Promise.all([lock.run('a', slow('a1', 5)), lock.run('a', slow('a2', 1)), lock.run('b', slow('b1', 1))]);
    expect(order.indexOf('a1-')).toBeLessThan(order.indexOf('a2+'));
    expect(order.indexOf('b1+')).toBeLessThan(order.indexOf('a1-'));
  });

  test('20 concurrent start/stop/restart end in the state of the last call, with one browser or none', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'x', start: false });
    const ops = [
      'start',
      'restart',
      'stop',
      'start',
      'stop',
      'restart',
      'start',
      'restart',
      'stop',
      'start',
      'restart',
      'stop',
      'start',
      'start',
      'restart',
      'stop',
      'stop',
      'restart',
      'start',
      'restart',
    ] as const;
    let maxLive = 0;
    const off = f.bus.subscribe(() => {
      maxLive = Math.max(maxLive, f.world.live.size);
    });
    await Promise.all(ops.map((op) => f.manager[op]('x')));
    off();
    expect(maxLive).toBeLessThanOrEqual(1);
    expect(f.world.live.size).toBe(1);
    expect(f.manager.get('x').status).not.toBe('STOPPED');
    await f.manager.stop('x');
    expect(f.world.live.size).toBe(0);
  });
});

describe('persistence', () => {
  test('after a restart: running sessions come back WORKING without a QR, stopped ones stay stopped', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 'p', config: { metadata: { a: 'b' } } });
    await reach(f.manager, 'p', 'SCAN_QR_CODE');
    f.engine('p').scan();
    await reach(f.manager, 'p', 'WORKING');
    await f.manager.create({ name: 's', start: false });
    const printed = f.printed.length;
    await f.restart();
    await reach(f.manager, 'p', 'WORKING');
    expect(f.printed.length).toBe(printed);
    expect(f.manager.get('p').config).toEqual({ metadata: { a: 'b' } });
    expect(f.manager.get('s').status).toBe('STOPPED');
  });

  test('WHATSAPP_RESTART_ALL_SESSIONS starts stopped ones; WHATSAPP_START_SESSION creates missing ones', async () => {
    f = await fakeManager();
    await f.manager.create({ name: 's', start: false });
    await f.restart({ WHATSAPP_RESTART_ALL_SESSIONS: 'true', WHATSAPP_START_SESSION: 'n1,n2' });
    expect(
      f.manager
        .list()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['n1', 'n2', 's']);
    expect((await f.store.sessions.list()).map((r) => r.running)).toEqual([true, true, true]);
  });
});
