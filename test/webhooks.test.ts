/**
 * The durable webhook outbox and its dispatcher against real receivers (Bun.serve on port 0)
 * and a real store, on each binding (test/support/stores.ts). Events go in through the outbox's
 * own API; the engine and simulator end-to-end runs live in test/e2e.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { parseConfig } from '../src/config';
import { createEvents } from '../src/events';
import { globalWebhook } from '../src/events/targets';
import { silentLogger } from '../src/log';
import type { Store } from '../src/store/types';
import { ManualClock } from './support/clock';
import { storeBindings } from './support/stores';
import { deadPort, ENV, FastClock, hmacOf, Receiver, type Responder, Rig, type RigOptions } from './support/webhooks';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (respond?: Responder, port?: number) => {
  const r = new Receiver(respond, port);
  cleanups.push(() => r.stop());
  return r;
};
const rig = async (store: Store, opts: RigOptions) => {
  const g = await Rig.create(store, opts);
  cleanups.push(() => g.stop());
  return g;
};
const ULID_ID = /^evt_[0-9a-hjkmnp-tv-z]{26}$/;

for (const binding of storeBindings(import.meta.file)) {
  describe.skipIf(binding.skip !== null)(`on ${binding.name}`, () => {
    const temp = async () => {
      const t = await binding.open();
      cleanups.push(() => t.dispose());
      return t;
    };

    describe('delivery', () => {
      test('1,000 events reach the receiver once each, signed, in order', async () => {
        const t = await temp();
        const r = receiver();
        const hook = { url: r.url, events: ['*'], hmac: { key: 'k3y' }, customHeaders: [{ name: 'X-Tenant', value: 'acme' }] };
        const g = await rig(t.store, { webhooks: { default: [hook] } });
        const ids = await g.publish(1000);
        await r.distinct(1000);
        await g.drained();

        expect(r.ids()).toEqual(ids);
        expect(r.arrivals.length).toBe(1000);
        expect(ids.every((id) => ULID_ID.test(id))).toBe(true);
        expect(r.arrivals.every((a) => a.headers.get('x-webhook-hmac') === hmacOf('k3y', a.body))).toBe(true);
        const first = r.arrivals[0]!;
        expect(first.json).toEqual({
          id: ids[0],
          timestamp: expect.any(Number),
          event: 'message',
          session: 'default',
          metadata: { 'user.id': '7' },
          me: { id: '1@c.us', pushName: 'Me' },
          payload: { n: 0 },
          engine: 'WEBJS',
          environment: ENV,
        });
        expect(first.headers.toJSON()).toMatchObject({
          'content-type': 'application/json',
          'x-webhook-request-id': ids[0],
          'x-webhook-hmac-algorithm': 'sha512',
          'x-tenant': 'acme',
        });
        expect(Number(first.headers.get('x-webhook-timestamp'))).toBeGreaterThanOrEqual(first.json.timestamp);
        expect(g.outbox.stats()).toEqual({ delivered: 1000, failedAttempts: 0, deadLettered: 0, pending: 0 });
      }, 30_000);

      test('receiver not listening, then up: every event arrives, in order', async () => {
        const t = await temp();
        const port = await deadPort();
        // Retries fall due only when the test moves this clock: five of them, all while the receiver is down.
        const clock = new ManualClock();
        const g = await rig(t.store, {
          webhooks: {
            default: [
              { url: `http://127.0.0.1:${port}/hook`, events: ['*'], retries: { policy: 'constant', delaySeconds: 2, attempts: 100 } },
            ],
          },
          clock,
        });
        const ids = await g.publish(200);
        for (let n = 1; n <= 5; n++) {
          await g.until(() => g.attempts.length >= n, `failed attempt ${n}`);
          if (n < 5) await clock.advanceWhenDue(2000);
        }
        // Only the head row was tried while the receiver was down: the rest wait behind it.
        expect(new Set(g.attempts.map((a) => a.eventId))).toEqual(new Set([ids[0]!]));

        const r = receiver(undefined, port);
        await clock.advanceWhenDue(2000);
        await r.distinct(200);
        await g.drained();
        expect(r.ids()).toEqual(ids);
        expect(g.outbox.stats()).toMatchObject({ delivered: 200, deadLettered: 0, pending: 0 });
      });

      test('receiver answering 500, then 200: retries send the same id and the same bytes', async () => {
        const t = await temp();
        const r = receiver((_, n) => new Response(null, { status: n <= 5 ? 500 : 200 }));
        const clock = new FastClock();
        const g = await rig(t.store, {
          webhooks: {
            default: [{ url: r.url, events: ['*'], hmac: { key: 's' }, retries: { policy: 'constant', delaySeconds: 2, attempts: 10 } }],
          },
          clock,
        });
        const ids = await g.publish(20);
        await r.distinct(20);
        await g.drained();

        expect(r.ids()).toEqual(ids);
        const tries = r.arrivals.slice(0, 6);
        expect(tries.map((a) => a.id)).toEqual(Array(6).fill(ids[0]));
        expect(new Set(tries.map((a) => a.body)).size).toBe(1);
        expect(new Set(tries.map((a) => a.headers.get('x-webhook-hmac'))).size).toBe(1);
        expect(r.arrivals.length).toBe(25);
        expect(clock.delays).toEqual([2000, 2000, 2000, 2000, 2000]);
        expect(g.outbox.stats()).toEqual({ delivered: 20, failedAttempts: 5, deadLettered: 0, pending: 0 });
      });

      test('a redirect is a failed attempt, never followed (it could lead where WEBHOOK_DENY forbids)', async () => {
        const t = await temp();
        const elsewhere = receiver();
        const r = receiver(() => new Response(null, { status: 307, headers: { location: elsewhere.url } }));
        const g = await rig(t.store, {
          webhooks: { default: [{ url: r.url, events: ['*'], retries: { policy: 'constant', delaySeconds: 0, attempts: 0 } }] },
        });
        await g.publish(1);
        await g.until(() => g.attempts.length >= 1, 'one attempt');
        expect(g.attempts[0]).toMatchObject({ ok: false, status: 307, error: 'HTTP 307', dead: true });
        expect(elsewhere.arrivals).toEqual([]);
      });

      test('a failing target holds back only its own rows; filters and the global webhook apply', async () => {
        const t = await temp();
        const good = receiver();
        const bad = receiver(() => new Response(null, { status: 503 }));
        const global = receiver();
        const g = await rig(t.store, {
          webhooks: {
            default: [
              { url: good.url, events: ['message'] },
              { url: bad.url, events: ['*'], retries: { policy: 'constant', delaySeconds: 60, attempts: 3 } },
            ],
          },
          global: { url: global.url, events: ['*'] },
          clock: new FastClock(false), // retries never come due in this test
        });
        const messages = await g.publish(10, 'message');
        const statuses = await g.publish(5, 'session.status');
        const other = await g.publish(5, 'message', 'other');
        await g.until(
          () => g.attempts.filter((a) => a.ok).length === 30 && g.attempts.some((a) => a.url === bad.url),
          'all deliveries and one failure',
        );

        expect(good.ids()).toEqual(messages);
        expect(global.ids()).toEqual([...messages, ...statuses, ...other]);
        expect(bad.ids()).toEqual([messages[0]!]);
        expect(g.outbox.stats()).toMatchObject({ delivered: 30, failedAttempts: 1, pending: 15 });
      });
      test('one request in flight per target, and at most `concurrency` in all', async () => {
        const t = await temp();
        const open = new Map<string, number>();
        let inFlight = 0,
          peak = 0,
          peakPerTarget = 0;
        const r = receiver(async (a) => {
          const target = a.headers.get('x-target')!;
          open.set(target, (open.get(target) ?? 0) + 1);
          peak = Math.max(peak, ++inFlight);
          peakPerTarget = Math.max(peakPerTarget, open.get(target)!);
          await Bun.sleep(1); // hold the request open so that overlaps can happen
          inFlight--;
          open.set(target, open.get(target)! - 1);
          return new Response('ok');
        });
        const hooks = Array.from({ length: 6 }, (_, i) => ({
          url: `${r.url}/${i}`,
          events: ['*'],
          customHeaders: [{ name: 'X-Target', value: `/${i}` }],
        }));
        const g = await rig(t.store, { webhooks: { default: hooks }, concurrency: 2 });
        const ids = await g.publish(30);
        await g.drained();
        expect(r.arrivals.length).toBe(180);
        for (let i = 0; i < 6; i++) expect(r.arrivals.filter((a) => a.headers.get('x-target') === `/${i}`).map((a) => a.id)).toEqual(ids);
        expect(peak).toBe(2);
        expect(peakPerTarget).toBe(1);
      });
    });

    describe('restart and shutdown', () => {
      test('rows written before a restart are delivered by the next process, in order', async () => {
        const t = await temp();
        const r = receiver();
        const opts = { webhooks: { default: [{ url: r.url, events: ['*'] }] } };
        const before = await rig(t.store, { ...opts, start: false });
        const ids = await before.publish(50);
        await before.stop();
        expect(r.arrivals.length).toBe(0);

        const after = await rig(await t.reopen(), opts);
        expect(after.outbox.stats().pending).toBe(50);
        await r.distinct(50);
        await after.drained();
        expect(r.ids()).toEqual(ids);
      });

      test('the stored retry time is honoured after a restart', async () => {
        const t = await temp();
        const r = receiver(() => new Response(null, { status: 500 }));
        const hooks = { default: [{ url: r.url, events: ['*'], retries: { policy: 'constant' as const, delaySeconds: 60, attempts: 5 } }] };
        const first = await rig(t.store, { webhooks: hooks, clock: new FastClock(false) });
        await first.publish(3);
        await first.until(() => first.attempts.length === 1, 'the first failed attempt');
        await first.stop();

        const clock = new FastClock(false);
        const second = await rig(await t.reopen(), { webhooks: hooks, clock });
        await clock.until(() => clock.delays.length === 1, 'the restarted dispatcher to schedule the retry');
        expect(clock.delays[0]!).toBeGreaterThan(50_000);
        expect(clock.delays[0]!).toBeLessThanOrEqual(60_000);
        expect(r.arrivals.length).toBe(1);
        expect(second.outbox.stats().pending).toBe(3);
      });

      test('stop() aborts a request still open at the deadline; the row stays pending', async () => {
        const t = await temp();
        let release = () => {};
        const r = receiver(
          () =>
            new Promise<Response>((resolve) => {
              release = () => resolve(new Response('late'));
            }),
        );
        cleanups.push(() => release());
        const hooks = { default: [{ url: r.url, events: ['*'] }] };
        const first = await rig(t.store, { webhooks: hooks });
        const ids = await first.publish(2);
        await r.distinct(1);
        await first.dispatcher.stop(50);
        expect(first.outbox.stats()).toMatchObject({ delivered: 0, failedAttempts: 0, pending: 2 });

        r.respond = () => new Response('ok');
        const second = await rig(await t.reopen(), { webhooks: hooks });
        await r.distinct(2);
        await second.drained();
        expect(r.ids()).toEqual(ids);
      });
    });

    describe('wiring', () => {
      test("events published on the bus reach the global webhook and the session's own", async () => {
        const t = await temp();
        const global = receiver();
        const own = receiver();
        const events = await createEvents({
          outboxStore: t.store.outbox,
          ledgerStore: t.store.ledger,
          globalWebhook: globalWebhook(parseConfig({ WHATSAPP_HOOK_URL: global.url, WHATSAPP_HOOK_EVENTS: 'session.status' })),
          webhooksOf: (s) => (s === 'default' ? [{ url: own.url, events: ['*'] }] : []),
          environment: () => ENV,
          clientOf: () => null,
          webhookTimeoutMs: 5000,
          log: silentLogger,
        });
        events.start();
        cleanups.push(() => events.stop(1000));
        const { bus } = events;
        const status = { name: 'default', status: 'WORKING', statuses: [] };
        bus.publish({
          session: 'default',
          event: 'session.status',
          payload: status,
          me: null,
          metadata: { a: 'b' },
          timestamp: 1_741_249_702_485,
        });
        bus.publish({ session: 'default', event: 'message', payload: { body: 'hi' }, me: null, metadata: {} });
        await own.distinct(2);
        await global.distinct(1);
        expect(global.arrivals.map((a) => [a.json.event, a.json.timestamp, a.json.metadata])).toEqual([
          ['session.status', 1_741_249_702_485, { a: 'b' }],
        ]);
        expect(own.arrivals.map((a) => a.json.event)).toEqual(['session.status', 'message']);
      });
    });
  });
}
