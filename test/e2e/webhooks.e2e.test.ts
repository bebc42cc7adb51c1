/**
 * Durable webhooks over the real stack: 1,000 incoming messages pushed
 * through the simulator reach a real receiver as 1,000 distinct, signed events in order; and a
 * receiver that is down for 30 s while messages flow still gets every event, in order.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { simContactId } from '../sim/index';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { type Arrival, hmacOf, Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const S = 'hooks';
const KEY = 'burst-hmac-key';
const PEER = simContactId(1);
const DOWN_MS = 30_000;
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
let receiver: Receiver;
/** Receivers on the same port, one after another (down = none listening). */
const generations: Receiver[] = [];
const arrivals = (): Arrival[] => generations.flatMap((r) => r.arrivals);

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver();
  generations.push(receiver);
  svc = await world.start();
  const retries = { policy: 'constant', delaySeconds: 1, attempts: 100 };
  sim = await workingSession(world, svc, S, { webhooks: [{ url: receiver.url, events: ['message'], hmac: { key: KEY }, retries }] });
}, 60_000);
afterAll(async () => {
  for (const r of generations) await r.stop();
  await world.dispose();
});

/** Pushes `n` incoming messages "<tag> #<i>", one after another (the simulator's order is the counter's). */
async function push(tag: string, n: number, each?: (i: number) => void): Promise<void> {
  for (let i = 0; i < n; i++) {
    await sim.receive({ from: PEER, body: `${tag} #${i}` });
    each?.(i);
  }
}

/** The counters of `tag`'s messages, one per distinct event id, in first-arrival order. */
function counters(tag: string): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const a of arrivals()) {
    const m = /^(.+) #(\d+)$/.exec(a.json.payload?.body ?? '');
    if (!m || m[1] !== tag || seen.has(a.id)) continue;
    seen.add(a.id);
    out.push(Number(m[2]));
  }
  return out;
}

/** Resolves once `tag` has `n` distinct events, whichever receiver generation got them. */
function allOf(tag: string, n: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tag}: ${counters(tag).length}/${n} events after ${timeoutMs} ms`)), timeoutMs);
    const check = () => {
      if (counters(tag).length >= n) {
        clearTimeout(timer);
        resolve();
        return true;
      }
      return false;
    };
    const watch = (r: Receiver) => r.until(check, `${tag} × ${n}`, timeoutMs).catch(() => {});
    if (!check()) {
      generations.forEach(watch);
      onGeneration = watch;
    }
  });
}
let onGeneration: ((r: Receiver) => void) | null = null;

describe('webhooks over the real stack', () => {
  test('1,000 incoming messages → 1,000 distinct event ids, each with a valid HMAC, in order', async () => {
    const t0 = performance.now();
    await push('burst', 1000);
    await allOf('burst', 1000, 60_000);
    const ms = Math.round(performance.now() - t0);
    const burst = arrivals().filter((a) => a.json.payload?.body?.startsWith('burst #'));
    expect(new Set(burst.map((a) => a.id)).size).toBe(1000);
    expect(counters('burst')).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const a of burst) {
      expect(a.headers.get('x-webhook-hmac')).toBe(hmacOf(KEY, a.body));
      expect(a.headers.get('x-webhook-hmac-algorithm')).toBe('sha512');
      expect(a.json.event).toBe('message');
    }
    console.log(`[e2e] 1,000 messages pushed and delivered in ${ms} ms; ${burst.length - 1000} duplicate deliveries`);
  }, 120_000);

  test(
    'the receiver goes down for 30 s while messages flow → every event delivered, in order',
    async () => {
      const N = 200;
      const port = receiver.port;
      let down: Promise<void> | null = null;
      let up: Promise<void> | null = null;
      // Down once the first 50 have arrived; back up on the same port 30 s later (the scenario itself).
      const first = receiver
        .until(() => counters('outage').length >= 50, 'first 50', 30_000)
        .then(() => {
          down = receiver.stop();
          up = new Promise<void>((resolve) =>
            setTimeout(async () => {
              await down;
              const next = new Receiver(undefined, port);
              generations.push(next);
              onGeneration?.(next);
              resolve();
            }, DOWN_MS),
          );
        });
      const delivered = allOf('outage', N, DOWN_MS + 60_000);
      await push('outage', N);
      await first;
      await up;
      await delivered;
      expect(generations.length).toBe(2);
      expect(counters('outage')).toEqual(Array.from({ length: N }, (_, i) => i));
      // Some were sent while nobody listened: the second receiver got the rest.
      expect(generations[1]!.arrivals.length).toBeGreaterThan(0);
    },
    DOWN_MS + 90_000,
  );
});
