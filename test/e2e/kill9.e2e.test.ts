/**
 * kill -9 of the service in the middle of a 1,000-message burst: the service
 * runs as a child process (`bun src/index.ts`) with real Chromium and the simulator, driven over
 * the loopback control server. It is SIGKILLed while messages flow and its webhook is behind;
 * a new process on the same data folder then delivers every event the first one had committed
 * (what the receiver got before the kill, plus the outbox rows it left), and its catch-up after
 * `ready` publishes the messages WhatsApp Web had received but the dead process never committed:
 * every pushed message arrives. Duplicates are counted.
 */

import { Database } from 'bun:sqlite';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { STORE_FILE } from '../../src/store/sqlite';
import type { SimControl } from '../sim/control';
import { simContactId } from '../sim/index';
import { allGone, type Started, startProcess } from '../support/process';
import { Receiver } from '../support/webhooks';
import { E2eWorld, processesOf } from '../support/world';

const S = 'crash';
const PEER = simContactId(1);
const ROOT = join(import.meta.dir, '..', '..');
const BURST = 1000;
const KILL_AT = 400;
const WINDOW = 32;
let world: E2eWorld;
let receiver: Receiver;
const children: Started[] = [];
/** In every process the children start (browsers included): how the test finds them all. */
const MARK = `WABUN_E2E_KILL=${crypto.randomUUID()}`;

beforeAll(() => {
  world = new E2eWorld();
  // A little slow, so the outbox is behind when the kill comes.
  receiver = new Receiver(async () => {
    await Bun.sleep(3);
    return new Response('ok');
  });
});
afterAll(async () => {
  for (const c of children) {
    c.kill('SIGKILL');
    await c.proc.exited;
  }
  for (const pid of processesOf(world.sessionDir(S))) process.kill(pid, 'SIGKILL');
  await receiver.stop();
  await world.dispose();
});

async function spawnService(): Promise<{ child: Started; base: string }> {
  const [name, value] = MARK.split('=') as [string, string];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: world.root, [name]: value, ...world.env({ WAHA_LOG_LEVEL: 'info' }) };
  const child = await startProcess([process.execPath, 'src/index.ts'], { cwd: ROOT, env, timeoutMs: 30_000 });
  children.push(child);
  return { child, base: `http://127.0.0.1:${child.port}` };
}

/** The next session.status webhook with one of `statuses`, counted from arrival `from`. */
async function statusHook(from: number, statuses: string[]): Promise<string> {
  const find = () =>
    receiver.arrivals.slice(from).find((a) => a.json.event === 'session.status' && statuses.includes(a.json.payload.status));
  await receiver.until(() => Boolean(find()), `session.status ${statuses.join('|')}`, 30_000);
  return find()!.json.payload.status;
}

const counterOf = (body: string | undefined) => Number(/^crash #(\d+)$/.exec(body ?? '')?.[1] ?? NaN);

test('kill -9 mid-burst, restart on the same data folder: every pushed message arrives; duplicates counted', async () => {
  world.allowControl(S);
  const first = await spawnService();
  const page = world.sim.nextPage();
  const retries = { policy: 'constant', delaySeconds: 1, attempts: 100 };
  const webhooks = [{ url: receiver.url, events: ['message', 'session.status'], retries }];
  const created = await fetch(`${first.base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: S, config: { webhooks } }),
  });
  expect(created.status).toBe(201);
  const sim: SimControl = world.sim.control((await page).profileId);
  await statusHook(0, ['SCAN_QR_CODE']);
  await sim.scan();
  await statusHook(0, ['WORKING']);

  // The burst: the kill comes while messages are still being pushed and the webhook is behind.
  // Up to WINDOW pushes are in flight (the page takes them in order), so WhatsApp Web runs ahead
  // of the service as it does in a real burst: some messages are in the page, not yet committed.
  const pushed: number[] = [];
  const inflight = new Set<Promise<void>>();
  let killed = false;
  for (let i = 0; i < BURST && !killed; i++) {
    const p: Promise<void> = sim
      .receive({ from: PEER, body: `crash #${i}` })
      .then(
        () => {
          pushed.push(i);
          if (i === KILL_AT) {
            first.child.kill('SIGKILL');
            killed = true;
          }
        },
        () => {
          killed = true;
        },
      )
      .finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= WINDOW) await Promise.race(inflight);
  }
  await Promise.allSettled(inflight); // pushes already sent may still reach the page: they count too
  pushed.sort((a, b) => a - b);
  expect(await first.child.proc.exited).not.toBe(0);
  expect(first.child.proc.signalCode).toBe('SIGKILL');
  const deliveredBeforeKill = new Set(
    receiver.arrivals.filter((a) => a.json.event === 'message').map((a) => counterOf(a.json.payload.body)),
  );

  // What the dead process had committed: delivered, or still in the outbox.
  const db = new Database(join(world.dataDir, STORE_FILE), { readonly: true });
  const rows = db.query("SELECT body FROM webhook_outbox WHERE event = 'message'").all() as { body: Uint8Array }[];
  db.close();
  const pending = rows.map((r) => counterOf(JSON.parse(Buffer.from(r.body).toString('utf8')).payload.body));
  const committed = new Set([...deliveredBeforeKill, ...pending]);

  // The crashed service's Chromium loses its DevTools pipe and quits; the restart kills any left-over.
  const mark = receiver.arrivals.length;
  const second = await spawnService();
  if ((await statusHook(mark, ['WORKING', 'SCAN_QR_CODE'])) === 'SCAN_QR_CODE') {
    await world.sim.control((await world.sim.waitForPage((p) => p.state !== 'CONNECTED')).profileId).scan();
    await statusHook(mark, ['WORKING']);
  }
  const messageArrivals = () => receiver.arrivals.filter((a) => a.json.event === 'message');
  const distinct = () => new Set(messageArrivals().map((a) => counterOf(a.json.payload.body)));
  await receiver.until(() => pushed.every((c) => distinct().has(c)), 'every pushed message after the restart', 60_000);
  const caughtUp = await second.child.line((l) => String(l.msg).startsWith('catch-up done'));

  const arrivals = messageArrivals();
  const duplicateDeliveries = arrivals.length - new Set(arrivals.map((a) => a.id)).size; // same event id again
  const duplicateMessages = arrivals.length - new Set(arrivals.map((a) => a.json.payload.id)).size; // same message, any event id
  const lostInFlight = pushed.filter((c) => !committed.has(c));
  console.log(
    `[e2e kill -9] pushed ${pushed.length} before the kill; ${deliveredBeforeKill.size} delivered before it, ` +
      `${pending.length} left in the outbox, ${lostInFlight.length} never committed (counters ${lostInFlight[0]}–${lostInFlight.at(-1)}), ` +
      `${caughtUp.count} published by the catch-up after the restart; all ${pushed.length} delivered; ` +
      `${duplicateDeliveries} duplicate deliveries, ${duplicateMessages} messages delivered more than once`,
  );
  expect(pending.length).toBeGreaterThan(0); // the kill really came mid-delivery
  expect(lostInFlight.length).toBeGreaterThan(0); // and while the page was ahead of the service: the catch-up had work
  // What was never committed is the end of the burst, still between WhatsApp Web's page and the
  // outbox (the DevTools pipe, the library's queue) when the process died; the catch-up found it.
  expect(Math.min(...lostInFlight, Infinity)).toBeGreaterThan(Math.max(...committed));
  expect(caughtUp.count).toBeGreaterThanOrEqual(lostInFlight.length);
  // Only the burst: the account's history (seeded at the pairing) is not replayed.
  expect([...distinct()].filter((c) => !Number.isInteger(c))).toEqual([]);
  // Per event, in order: each committed counter's first arrival follows the previous one's.
  const firstSeen = [...new Map(arrivals.map((a) => [counterOf(a.json.payload.body), a])).keys()];
  expect(firstSeen.filter((c) => committed.has(c))).toEqual([...committed].sort((a, b) => a - b));

  second.child.kill('SIGTERM');
  expect(await second.child.proc.exited).toBe(0);
  expect(processesOf(world.sessionDir(S))).toEqual([]);
  await allGone(MARK, 10_000);
}, 120_000);
