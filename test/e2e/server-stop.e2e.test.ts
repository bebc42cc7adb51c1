/**
 * POST /api/server/stop with the real service process (`bun src/index.ts`), real Chromium and the
 * simulator: the call is answered, then the process stops its sessions and exits 0 — the exit a
 * supervisor (Docker's `restart: always`, systemd's `Restart=`) starts it again after — leaving no
 * Chromium behind; the next process on the same data folder brings the session back WORKING
 * without a QR. `force: true` kills the browsers instead of closing them, and exits 0 as well.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { allGone, type Started, startProcess } from '../support/process';
import { E2eWorld, processesOf } from '../support/world';

const S = 'restartable';
const ROOT = join(import.meta.dir, '..', '..');
/** In every process the children start (browsers included): how the test finds them all. */
const MARK = `WABUN_E2E_STOP=${crypto.randomUUID()}`;
let world: E2eWorld;
const children: Started[] = [];

beforeAll(() => {
  world = new E2eWorld();
});
afterAll(async () => {
  for (const c of children) {
    c.kill('SIGKILL');
    await c.proc.exited;
  }
  for (const pid of processesOf(world.sessionDir(S))) process.kill(pid, 'SIGKILL');
  await world.dispose();
});

async function spawnService(): Promise<{ child: Started; base: string }> {
  const [name, value] = MARK.split('=') as [string, string];
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: world.root, [name]: value, ...world.env({ WAHA_LOG_LEVEL: 'info' }) };
  const child = await startProcess([process.execPath, 'src/index.ts'], { cwd: ROOT, env, timeoutMs: 30_000 });
  children.push(child);
  return { child, base: `http://127.0.0.1:${child.port}` };
}

/** The child's next log line saying the session reached one of `statuses` (after the first `from` lines). */
const statusLine = (child: Started, statuses: string[], from = 0) =>
  child.line(
    (l) => child.lines.indexOf(l) >= from && l.msg === 'session status' && l.session === S && statuses.includes(String(l.status)),
    30_000,
  );

const post = (base: string, path: string, body: unknown) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('stop answers, the process exits 0 with no Chromium left, and the next one brings the session back WORKING without a QR', async () => {
  world.allowControl(S);
  const first = await spawnService();
  const page = world.sim.nextPage();
  expect((await post(first.base, '/api/sessions', { name: S })).status).toBe(201);
  const sim = world.sim.control((await page).profileId);
  await statusLine(first.child, ['SCAN_QR_CODE']);
  await sim.scan();
  await statusLine(first.child, ['WORKING']);
  expect(processesOf(world.sessionDir(S)).length).toBeGreaterThan(0);

  const res = await post(first.base, '/api/server/stop', { force: false });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ stopping: true });
  expect(await first.child.proc.exited).toBe(0);
  expect(first.child.lines.map((l) => l.msg)).toContain('stopped');
  await allGone(MARK, 10_000);
  expect(processesOf(world.sessionDir(S))).toEqual([]);

  // What a supervisor does next: start it again on the same data folder.
  const second = await spawnService();
  await statusLine(second.child, ['WORKING']);
  const seen = second.child.lines.filter((l) => l.msg === 'session status' && l.session === S).map((l) => l.status);
  expect(seen).not.toContain('SCAN_QR_CODE');
  expect(await (await fetch(`${second.base}/api/sessions/${S}`)).json()).toMatchObject({ name: S, status: 'WORKING' });

  // force: the browsers are killed, not closed; the exit is 0 all the same.
  const forced = await post(second.base, '/api/server/stop', { force: true });
  expect(forced.status).toBe(201);
  expect(await second.child.proc.exited).toBe(0);
  await allGone(MARK, 10_000);
  expect(processesOf(world.sessionDir(S))).toEqual([]);
}, 180_000);
