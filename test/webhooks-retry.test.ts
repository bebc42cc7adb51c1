/**
 * Retry delays, dead-lettering, the delivery time-out, event ids and the checks on webhook
 * configs. Receivers are real; the clock is injected so retry delays cost no waiting. What goes
 * through the store runs on each binding (test/support/stores.ts).
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { ConfigError, parseConfig } from '../src/config';
import { retryDelayMs } from '../src/events/dispatcher';
import { monotonicUlid, wantsEvent } from '../src/events/envelope';
import { globalWebhook, type RetryPolicy, validateWebhook } from '../src/events/targets';
import type { Store } from '../src/store/types';
import { storeBindings } from './support/stores';
import { FastClock, Receiver, type Responder, Rig, type RigOptions } from './support/webhooks';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const receiver = (respond?: Responder) => {
  const r = new Receiver(respond);
  cleanups.push(() => r.stop());
  return r;
};
const rig = async (store: Store, opts: RigOptions) => {
  const g = await Rig.create(store, opts);
  cleanups.push(() => g.stop());
  return g;
};

describe('retry delays', () => {
  test('constant d,d,d; linear d,2d,3d; exponential d,2d,4d with ±20 % jitter, capped at an hour', () => {
    const delays = (p: RetryPolicy, random = () => 0.5) => [1, 2, 3, 4].map((n) => retryDelayMs(p, 2, n, random));
    expect(delays('constant')).toEqual([2000, 2000, 2000, 2000]);
    expect(delays('linear')).toEqual([2000, 4000, 6000, 8000]);
    expect(delays('exponential')).toEqual([2000, 4000, 8000, 16000]);
    expect(delays('exponential', () => 0)).toEqual([1600, 3200, 6400, 12800]);
    expect(delays('exponential', () => 1)).toEqual([2400, 4800, 9600, 19200]);
    expect(retryDelayMs('exponential', 2, 100, () => 0.5)).toBe(3_600_000);
  });
});

for (const binding of storeBindings(import.meta.file)) {
  describe.skipIf(binding.skip !== null)(`on ${binding.name}`, () => {
    const temp = async () => {
      const t = await binding.open();
      cleanups.push(() => t.dispose());
      return t;
    };

    describe('retry delays on the store', () => {
      for (const [policy, expected] of [
        ['constant', [1000, 1000, 1000]],
        ['linear', [1000, 2000, 3000]],
        ['exponential', [1000, 2000, 4000]],
      ] as const) {
        test(`${policy}: the dispatcher waits ${expected.join(', ')} ms, then dead-letters; the next row goes on`, async () => {
          const t = await temp();
          // The first event fails every time (decided by its payload: delivery may start before publish resolves).
          const r = receiver((a) => new Response(null, { status: a.json.payload.n === 0 ? 500 : 204 }));
          const clock = new FastClock();
          const lines: Record<string, unknown>[] = [];
          const g = await rig(t.store, {
            webhooks: { default: [{ url: r.url, events: ['*'], retries: { policy, delaySeconds: 1, attempts: 3 } }] },
            clock,
            log: (l) => lines.push(JSON.parse(l)),
          });
          const ids = await g.publish(2);
          await g.drained();

          expect(r.arrivals.map((a) => a.id)).toEqual([ids[0]!, ids[0]!, ids[0]!, ids[0]!, ids[1]!]);
          if (policy === 'exponential')
            for (const [i, d] of clock.delays.entries()) expect(Math.abs(d - expected[i]!)).toBeLessThanOrEqual(expected[i]! * 0.2);
          else expect(clock.delays).toEqual([...expected]);
          expect(g.outbox.stats()).toEqual({ delivered: 1, failedAttempts: 4, deadLettered: 1, pending: 0 });
          const dead = await t.rows('SELECT event_id, url, attempts, last_error FROM webhook_dead_letter');
          expect(dead).toEqual([{ event_id: ids[0], url: r.url, attempts: 4, last_error: 'HTTP 500' }]);
          expect(lines.filter((l) => l.level === 'error')).toEqual([
            expect.objectContaining({ msg: expect.stringContaining('webhook_dead_letter'), id: ids[0], attempts: 4 }),
          ]);
        });
      }

      test('no answer within the time-out is a failed attempt', async () => {
        const t = await temp();
        let release = () => {};
        const r = receiver(
          () =>
            new Promise<Response>((resolve) => {
              release = () => resolve(new Response());
            }),
        );
        cleanups.push(() => release());
        const g = await rig(t.store, { webhooks: { default: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }] }, timeoutMs: 100 });
        await g.publish(1);
        await g.drained();
        expect(g.attempts).toEqual([expect.objectContaining({ ok: false, dead: true, status: null, error: 'no answer within 100 ms' })]);
      });
    });
  });
}

describe('ids and config checks', () => {
  test('event ids are lowercase ULIDs, unique and increasing within one millisecond', () => {
    const ulid = monotonicUlid();
    const ids = Array.from({ length: 10_000 }, () => ulid(1_741_249_702_485));
    expect(new Set(ids).size).toBe(10_000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^01jnn93tjn[0-9a-hjkmnp-tv-z]{16}$/);
    const later = ulid(1_741_249_702_486);
    expect(later.slice(0, 10)).toBe('01jnn93tjp');
    expect(ulid(1_741_249_702_400) > later).toBe(true); // a clock step back keeps the order
  });

  test('an event name this service does not know is accepted and simply never matches; * matches all', () => {
    expect(wantsEvent(['message', 'engine.event'], 'message')).toBe(true);
    expect(wantsEvent(['engine.event'], 'message')).toBe(false);
    expect(wantsEvent(['*'], 'anything.new')).toBe(true);
  });

  test('a webhook URL that is not http(s) is a 400; so is a bad header name', () => {
    expect(() => validateWebhook({ url: 'ftp://example.invalid/x', events: ['*'] })).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
    expect(() =>
      validateWebhook({ url: 'https://example.invalid/x', events: ['*'], customHeaders: [{ name: 'bad name', value: 'v' }] }),
    ).toThrow(/not a valid HTTP header/);
    expect(() =>
      validateWebhook({
        url: 'https://example.invalid/x',
        events: ['message'],
        retries: { policy: 'linear', delaySeconds: 1, attempts: 2 },
      }),
    ).not.toThrow();
  });

  test('the global webhook comes from WHATSAPP_HOOK_*; bad custom headers stop start-up', () => {
    const config = parseConfig({
      WHATSAPP_HOOK_URL: 'https://example.invalid/hook',
      WHATSAPP_HOOK_EVENTS: 'message,session.status',
      WHATSAPP_HOOK_HMAC_KEY: 'k',
      WHATSAPP_HOOK_RETRIES_POLICY: 'linear',
      WHATSAPP_HOOK_RETRIES_DELAY_SECONDS: '3',
      WHATSAPP_HOOK_RETRIES_ATTEMPTS: '4',
      WHATSAPP_HOOK_CUSTOM_HEADERS: 'X-A: 1;X-B:two',
    });
    expect(globalWebhook(config)).toEqual({
      url: 'https://example.invalid/hook',
      events: ['message', 'session.status'],
      hmac: { key: 'k' },
      retries: { policy: 'linear', delaySeconds: 3, attempts: 4 },
      customHeaders: [
        { name: 'X-A', value: '1' },
        { name: 'X-B', value: 'two' },
      ],
    });
    expect(globalWebhook(parseConfig({}))).toBeNull();
    expect(() => parseConfig({ WHATSAPP_HOOK_CUSTOM_HEADERS: 'novalue' })).toThrow(ConfigError);
    expect(() => parseConfig({ WHATSAPP_HOOK_CUSTOM_HEADERS: 'bad name:v' })).toThrow(ConfigError);
  });
});
