/**
 * The compiled executable against the simulator: `dist/wabun` (built or reused as in
 * test/binary.test.ts) with real Chromium loading the simulator page, driven over the loopback
 * control server: create a session, scan, WORKING, and a sendText that lands in the page's outbox.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { ensureBuilt } from '../../scripts/build';
import { DEFAULT_ME, simContactId, simLid } from '../sim/index';
import { allGone, type Started, startProcess } from '../support/process';
import { Receiver } from '../support/webhooks';
import { E2eWorld, processesOf } from '../support/world';

const S = 'bin';
const PEER = simContactId(2);
const MARK = `WABUN_E2E_BINARY=${crypto.randomUUID()}`;
let world: E2eWorld;
let receiver: Receiver;
let service: Started | undefined;

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver();
}, 30_000);
afterAll(async () => {
  service?.kill('SIGKILL');
  await service?.proc.exited;
  for (const pid of processesOf(world.sessionDir(S))) process.kill(pid, 'SIGKILL');
  await receiver.stop();
  await world.dispose();
});

test("dist/wabun: create, scan, WORKING, sendText lands in the simulator's outbox", async () => {
  const built = await ensureBuilt();
  const [name, value] = MARK.split('=') as [string, string];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: world.root, [name]: value, ...world.env({ WAHA_LOG_LEVEL: 'info' }) };
  service = await startProcess([built.outfile], { cwd: world.root, env });
  const base = `http://127.0.0.1:${service.port}`;
  const post = (path: string, body: unknown) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  world.allowControl(S);
  const page = world.sim.nextPage();
  const created = await post('/api/sessions', {
    name: S,
    config: { webhooks: [{ url: receiver.url, events: ['session.status', 'message.ack'] }] },
  });
  expect(created.status).toBe(201);
  const sim = world.sim.control((await page).profileId);
  const status = (s: string) =>
    receiver.until(() => receiver.arrivals.some((a) => a.json.event === 'session.status' && a.json.payload.status === s), s, 30_000);
  await status('SCAN_QR_CODE');
  await sim.scan();
  await status('WORKING');
  expect(await (await fetch(`${base}/api/sessions/${S}/me`)).json()).toEqual({
    id: `${DEFAULT_ME.number}@c.us`,
    pushName: DEFAULT_ME.pushName,
    lid: simLid(`${DEFAULT_ME.number}@c.us`),
  });

  const sent = await post('/api/sendText', { session: S, chatId: PEER, text: 'from the compiled binary' });
  expect(sent.status).toBe(201);
  const msg = await sent.json();
  expect(await sim.waitForOutbox({ id: msg.id._serialized })).toMatchObject({
    chatId: PEER,
    type: 'chat',
    body: 'from the compiled binary',
  });
  await receiver.until(
    () => receiver.arrivals.some((a) => a.json.event === 'message.ack' && a.json.payload.id === msg.id._serialized),
    'an ack',
    15_000,
  );

  service.kill('SIGTERM');
  expect(await service.proc.exited).toBe(0);
  expect(processesOf(world.sessionDir(S))).toEqual([]);
  await allGone(MARK, 10_000);
}, 120_000);
