/**
 * The catch-up after `ready` (src/modules/sessions/runtime.ts) publishes only what never went
 * out: a fresh pairing does not replay the account's history, and a clean restart (SIGTERM,
 * nothing lost) publishes no `message` again. The kill -9 case is kill9.e2e.test.ts. The service
 * runs as a child process with real Chromium and the simulator, whose account has incoming
 * history from just before the pairing.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { SimControl } from '../sim/control';
import { simContactId } from '../sim/index';
import { allGone, type Started, startProcess } from '../support/process';
import { Receiver } from '../support/webhooks';
import { E2eWorld, processesOf } from '../support/world';

const S = 'again';
const PEER = simContactId(0);
const ROOT = join(import.meta.dir, '..', '..');
const MARK = `WABUN_E2E_CATCHUP=${crypto.randomUUID()}`;
let world: E2eWorld;
let receiver: Receiver;
const children: Started[] = [];

beforeAll(() => {
  world = new E2eWorld();
  receiver = new Receiver();
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

async function spawnService(): Promise<Started> {
  const [name, value] = MARK.split('=') as [string, string];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: world.root, [name]: value, ...world.env({ WAHA_LOG_LEVEL: 'info' }) };
  const child = await startProcess([process.execPath, 'src/index.ts'], { cwd: ROOT, env, timeoutMs: 30_000 });
  children.push(child);
  return child;
}

const messages = () => receiver.arrivals.filter((a) => a.json.event === 'message');
const working = (from: number) =>
  receiver.until(
    () => receiver.arrivals.slice(from).some((a) => a.json.event === 'session.status' && a.json.payload.status === 'WORKING'),
    'WORKING',
    30_000,
  );

test('a fresh pairing replays no history; a clean restart publishes no message twice', async () => {
  world.allowControl(S);
  const first = await spawnService();
  const page = world.sim.nextPage();
  const webhooks = [{ url: receiver.url, events: ['message', 'session.status'] }];
  const created = await fetch(`http://127.0.0.1:${first.port}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: S, config: { webhooks } }),
  });
  expect(created.status).toBe(201);
  const sim: SimControl = world.sim.control((await page).profileId);
  await receiver.until(() => receiver.arrivals.some((a) => a.json.payload?.status === 'SCAN_QR_CODE'), 'SCAN_QR_CODE', 30_000);
  await sim.scan();
  await working(0);
  await first.line((l) => String(l.msg).startsWith('catch-up: first ready'));

  const bodies: string[] = [];
  for (let i = 0; i < 20; i++) {
    bodies.push(`before #${i}`);
    await sim.receive({ from: PEER, body: `before #${i}` });
  }
  await receiver.until(() => messages().length >= 20, '20 messages');

  first.kill('SIGTERM');
  expect(await first.proc.exited).toBe(0);
  const mark = receiver.arrivals.length;
  const second = await spawnService();
  await working(mark);
  const done = await second.line((l) => String(l.msg).startsWith('catch-up done'));
  expect(done.count).toBe(0);
  // A message after the catch-up still arrives (once), and nothing else does.
  bodies.push('after');
  await sim.receive({ from: PEER, body: 'after' });
  await receiver.until(() => messages().length >= 21, '21 messages');

  const got = messages();
  expect(got.map((a) => a.json.payload.body)).toEqual(bodies); // no seeded history, nothing twice
  expect(new Set(got.map((a) => a.json.payload.id)).size).toBe(21);

  second.kill('SIGTERM');
  expect(await second.proc.exited).toBe(0);
  await allGone(MARK, 10_000);
}, 120_000);
