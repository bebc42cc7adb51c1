/**
 * The memory governor of the composed service over a real session: whatsapp-web.js in real
 * Chromium on the WhatsApp Web simulator. MEMORY_THRESHOLD_MB at its minimum puts one session far
 * over 120 %, so four rounds step cleanup → warning → aggressive → recycle, each logged with
 * before/after; the recycled session comes back WORKING with no QR (its Chromium profile kept the
 * login); once the recycle's cooldown has passed on the service's clock, still over 120 % asks
 * the supervisor for an exit. Rounds are driven with `tick()`, time with the service's clock.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { DEFAULT_COOLDOWN_MS } from '../../src/memory/governor';
import { ManualClock } from '../support/clock';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const world = new E2eWorld();
const clock = new ManualClock(Date.now());
let svc: RunningService;

beforeAll(async () => {
  svc = await world.start({ MEMORY_THRESHOLD_MB: '32', GC_INTERVAL_MS: '0' }, { clock });
}, 60_000);

afterAll(async () => {
  await world.dispose();
});

test('cleanup → warning → aggressive → recycle over a real session; back WORKING without a QR; then the exit request', async () => {
  const statuses: string[] = [];
  svc.bus.subscribe((e) => {
    if (e.session === 'gov' && e.event === 'session.status') statuses.push((e.payload as { status: string }).status);
  });
  await workingSession(world, svc, 'gov');
  const governor = svc.service.memory.governor;
  svc.service.memory.stop(); // rounds come from this test's tick() calls only
  const firstPid = svc.sessions.memoryView().find((v) => v.session === 'gov')!.pid;
  statuses.length = 0;

  for (let i = 0; i < 4; i++) await governor.tick();
  const actions = governor.recent().reverse();
  expect(actions.map((a) => a.step)).toEqual(['cleanup', 'warning', 'aggressive', 'recycle']);
  expect(actions[3]!.session).toBe('gov');
  for (const a of actions) expect(a.before_mb).toBeGreaterThan(32);
  // The relief ran in the real page: the trim found WhatsApp Web's collections, nothing failed.
  expect(actions[0]!.detail).toEqual({ gov: { trim: expect.objectContaining({ available: true, errors: 0 }) } });
  expect((actions[2]!.detail!.gov as Record<string, unknown>).errors).toBeUndefined();

  // Recycled: a new browser, WORKING again without passing through SCAN_QR_CODE.
  expect(svc.sessions.get('gov').status).toBe('WORKING');
  expect(statuses).not.toContain('SCAN_QR_CODE');
  expect(statuses.at(-1)).toBe('WORKING');
  expect(svc.sessions.memoryView().find((v) => v.session === 'gov')!.pid).not.toBe(firstPid);

  // Still over 120 % once the recycle's cooldown has passed: the supervisor is asked to restart us.
  await clock.advance(DEFAULT_COOLDOWN_MS.recycle);
  await governor.tick();
  expect(svc.exits).toEqual([{ code: 1, reason: 'memory is still over 120 % after recycling' }]);
  expect(governor.recent()[0]!.step).toBe('exit');
}, 240_000);
