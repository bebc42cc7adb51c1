/**
 * The webhook delivery routes' logic and SQL (src/modules/webhooks, the bindings' deliveries.ts)
 * on a real store of each binding (test/support/stores.ts), with the real outbox and dispatcher
 * delivering to a real receiver: targets' queues, dead letters, replay, pruning; then the routes
 * over app.handle().
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { type Attempt, WebhookDispatcher } from '../src/events/dispatcher';
import { WebhookOutbox } from '../src/events/outbox';
import type { WebhookConfig } from '../src/events/targets';
import { silentLogger } from '../src/log';
import { WebhookDeliveryService } from '../src/modules/webhooks/service';
import { buildTestApp } from './support/app';
import { type Binding, storeBindings, type TestStore } from './support/stores';
import { ENV, FastClock, Receiver, type Responder, Waits } from './support/webhooks';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store, an outbox and a dispatcher as the service wires them, and the delivery service over them. */
class World extends Waits {
  readonly attempts: Attempt[] = [];
  outbox!: WebhookOutbox;
  dispatcher!: WebhookDispatcher;
  service!: WebhookDeliveryService;

  constructor(
    readonly temp: TestStore,
    readonly webhooks: Record<string, WebhookConfig[]>,
    private readonly clock?: FastClock,
  ) {
    super();
  }

  /** (Re)opens everything on the store's file, as a restarted service would. */
  async open(): Promise<this> {
    const store = this.temp.store;
    const clock = this.clock;
    this.outbox = await WebhookOutbox.open({
      store: store.outbox,
      webhooksOf: (s) => this.webhooks[s] ?? [],
      environment: () => ENV,
      now: clock ? () => clock.now() : undefined,
      log: silentLogger,
    });
    this.service = new WebhookDeliveryService({
      store: this.temp.deliveries(clock ? () => clock.now() : undefined),
      configured: (scope, url) => (this.webhooks[scope] ?? []).some((w) => w.url === url),
      onRequeued: (ids) => {
        void this.outbox.resync().then(() => {
          for (const id of ids) this.dispatcher.requeued(id);
        });
      },
      onPruned: () => void this.outbox.resync(),
    });
    this.dispatcher = new WebhookDispatcher({
      outbox: this.outbox,
      timeoutMs: 5000,
      clock,
      log: silentLogger,
      onAttempt: (a) => {
        this.attempts.push(a);
        this.service.attempted(a);
        this.poke();
      },
    });
    this.dispatcher.start();
    return this;
  }

  async restart(): Promise<void> {
    await this.dispatcher.stop(1000);
    await this.temp.reopen();
    await this.open();
  }

  async publish(n: number, session = 'default', event = 'message'): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++)
      out.push(
        (await this.outbox.publish({
          session,
          event,
          payload: { n: i },
          me: null,
          metadata: {},
          timestamp: this.clock?.now() ?? Date.now(),
        }))!.id,
      );
    return out;
  }

  settled(n: number): Promise<void> {
    return this.until(() => this.attempts.filter((a) => a.ok || a.dead).length >= n, `${n} settled deliveries`);
  }
}

async function openWorld(binding: Binding, webhooks: Record<string, WebhookConfig[]>, clock?: FastClock): Promise<World> {
  const w = await new World(await binding.open(), webhooks, clock).open();
  cleanups.push(async () => {
    await w.dispatcher.stop(1000);
    await w.temp.dispose();
  });
  return w;
}

function receiver(respond?: Responder): Receiver {
  const r = new Receiver(respond);
  cleanups.push(() => r.stop());
  return r;
}

/** A receiver answering 500 until `up` is set. */
function flaky() {
  const state = { up: false };
  const r = receiver(() => new Response(null, { status: state.up ? 204 : 500 }));
  return { r, state };
}

for (const binding of storeBindings(import.meta.file)) {
  describe.skipIf(binding.skip !== null)(`on ${binding.name}`, () => {
    const world = (webhooks: Record<string, WebhookConfig[]>, clock?: FastClock) => openWorld(binding, webhooks, clock);

    describe('targets', () => {
      test('a failing target: its head row, last error and next attempt; no secret in the answer', async () => {
        const clock = new FastClock(false); // the retry timer never fires: the row stays failing
        const { r } = flaky();
        const hook: WebhookConfig = {
          url: r.url,
          events: ['*'],
          hmac: { key: 'hmac-secret-1' },
          retries: { policy: 'linear', delaySeconds: 7, attempts: 3 },
          customHeaders: [{ name: 'X-Token', value: 'header-secret-2' }],
        };
        const w = await world({ default: [hook] }, clock);
        const [first, second] = await w.publish(2);
        await w.until(() => w.attempts.length === 1, 'the first attempt');

        const targets = await w.service.targets();
        expect(targets).toEqual([
          {
            id: expect.any(Number),
            scope: 'default',
            url: r.url,
            configured: true,
            state: 'failing',
            settings: { policy: 'linear', delay_seconds: 7, attempts: 3, signed: true, headers: ['X-Token'] },
            pending: 2,
            head: {
              seq: expect.any(Number),
              event_id: first!,
              event: 'message',
              session: 'default',
              created_at: expect.any(String),
              attempts: 1,
              next_at: new Date(clock.now() + 7000).toISOString(),
              last_error: 'HTTP 500',
            },
            dead_letters: 0,
            since_start: {
              delivered: 0,
              failed_attempts: 1,
              dead_lettered: 0,
              last_attempt: { at: expect.any(String), ok: false, status: 500, error: 'HTTP 500', event_id: first! },
            },
          },
        ]);
        expect(second).toBeString();
        const text = JSON.stringify(targets);
        expect(text).not.toContain('hmac-secret-1');
        expect(text).not.toContain('header-secret-2');
      });

      test('idle once delivered; pending while rows wait; counts since start', async () => {
        const r = receiver();
        const w = await world({ default: [{ url: r.url, events: ['*'] }] });
        await w.publish(3);
        await w.settled(3);
        expect(await w.service.targets()).toEqual([
          expect.objectContaining({
            state: 'idle',
            pending: 0,
            head: null,
            since_start: expect.objectContaining({ delivered: 3, failed_attempts: 0, dead_lettered: 0 }),
          }),
        ]);
      });
    });

    describe('dead letters', () => {
      test('listed newest first with paging and a total; one with its envelope; filters', async () => {
        const { r } = flaky();
        const w = await world({
          a: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }],
          b: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }],
        });
        const ids = [...(await w.publish(3, 'a')), ...(await w.publish(2, 'b', 'message.ack'))];
        await w.settled(5);

        const first = await w.service.deadLetters({ limit: 2 });
        expect(first.total).toBe(5);
        expect(first.items.map((d) => d.event_id)).toEqual([ids[4]!, ids[3]!]);
        expect(first.next_before).toBe(first.items[1]!.seq);
        const second = await w.service.deadLetters({ limit: 2, before: first.next_before! });
        const third = await w.service.deadLetters({ limit: 2, before: second.next_before! });
        expect([...second.items, ...third.items].map((d) => d.event_id)).toEqual([ids[2]!, ids[1]!, ids[0]!]);
        expect(third.next_before).toBeNull();

        expect((await w.service.deadLetters({ limit: 50, session: 'a' })).items.map((d) => d.event_id)).toEqual([
          ids[2]!,
          ids[1]!,
          ids[0]!,
        ]);
        expect((await w.service.deadLetters({ limit: 50, event: 'message.ack' })).total).toBe(2);

        const one = first.items[0]!;
        expect(one).toEqual({
          seq: expect.any(Number),
          target_id: expect.any(Number),
          url: r.url,
          event_id: ids[4]!,
          event: 'message.ack',
          session: 'b',
          created_at: expect.any(String),
          dead_at: expect.any(String),
          attempts: 1,
          last_error: 'HTTP 500',
          size_bytes: r.arrivals.find((x) => x.id === ids[4])!.body.length,
        });
        const detail = await w.service.deadLetter(one.seq);
        expect(detail.envelope).toEqual(JSON.parse(r.arrivals.find((x) => x.id === ids[4])!.body));
        expect(w.service.deadLetter(one.seq + 1000)).rejects.toThrow(/No dead letter/);
      });

      test('replay: the same id and bytes reach the receiver again; the list empties; pending stays right', async () => {
        const { r, state } = flaky();
        const w = await world({ default: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }] });
        const [id] = await w.publish(1);
        await w.settled(1);
        const dead = (await w.service.deadLetters({ limit: 10 })).items;
        expect(dead.map((d) => d.event_id)).toEqual([id!]);
        const before = r.arrivals[0]!.body;

        state.up = true;
        const result = await w.service.replay({ seqs: [dead[0]!.seq, 999_999] });
        expect(result).toEqual({ replayed: [dead[0]!.seq], missing: [999_999], targets: [dead[0]!.target_id] });
        await w.settled(2);
        expect(r.arrivals.map((a) => a.id)).toEqual([id!, id!]);
        expect(r.arrivals[1]!.body).toBe(before);
        expect((await w.service.deadLetters({ limit: 10 })).total).toBe(0);
        expect(w.outbox.stats().pending).toBe(0);
        expect((await w.service.targets())[0]).toMatchObject({
          state: 'idle',
          dead_letters: 0,
          since_start: { delivered: 1, dead_lettered: 1 },
        });
        // Already replayed: nothing left to send.
        expect(await w.service.replay({ seqs: [dead[0]!.seq] })).toEqual({ replayed: [], missing: [dead[0]!.seq], targets: [] });
      });

      test('replay goes behind what the target has pending, oldest dead letter first', async () => {
        let failing = true;
        let release: () => void = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        // First the two rows fail (and are dead-lettered); then the next row is held in flight.
        const r = receiver(async () => {
          if (failing) return new Response(null, { status: 500 });
          await held;
          return new Response(null, { status: 204 });
        });
        const w = await world({ default: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }] });
        const dead = await w.publish(2);
        await w.settled(2);
        failing = false;
        const [waiting] = await w.publish(1);
        await r.until(() => r.arrivals.length === 3, 'the new row in flight');
        expect((await w.service.replay({ all: true })).replayed).toHaveLength(2);
        expect((await w.service.targets())[0]).toMatchObject({ pending: 3, dead_letters: 0 });
        release();
        await r.until(() => r.arrivals.length === 5, 'the queue delivered');
        expect(r.arrivals.map((a) => a.id)).toEqual([dead[0]!, dead[1]!, waiting!, dead[0]!, dead[1]!]);
        await w.settled(5);
        expect(w.outbox.stats().pending).toBe(0);
      });

      test('replay with all=true honours the filters', async () => {
        const { r, state } = flaky();
        const hooks = {
          a: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }],
          b: [{ url: r.url, events: ['*'], retries: { attempts: 0 } }],
        };
        const w = await world(hooks);
        await w.publish(2, 'a');
        const [onB] = await w.publish(1, 'b');
        await w.settled(3);
        state.up = true;
        expect((await w.service.replay({ all: true, session: 'b' })).replayed).toHaveLength(1);
        await w.settled(4);
        expect(r.arrivals.at(-1)!.id).toBe(onB!);
        expect((await w.service.deadLetters({ limit: 10 })).items.map((d) => d.session)).toEqual(['a', 'a']);
      });

      test('replay needs seqs or all=true, not both', async () => {
        const w = await world({});
        expect(w.service.replay({})).rejects.toThrow(/Nothing to replay/);
        expect(w.service.replay({ seqs: [1], all: true })).rejects.toThrow(/either seqs/);
      });
    });

    describe('prune', () => {
      test('drops targets no config names and with nothing pending; dead letters only when asked; a pruned URL comes back as a new target', async () => {
        const { r: kept } = flaky();
        const gone = receiver();
        const dead = receiver(() => new Response(null, { status: 500 }));
        const w = await world({
          default: [
            { url: kept.url, events: ['*'], retries: { attempts: 0 } },
            { url: gone.url, events: ['*'] },
            { url: dead.url, events: ['*'], retries: { attempts: 0 } },
          ],
        });
        await w.publish(1);
        await w.settled(3);
        w.webhooks.default = [{ url: kept.url, events: ['*'], retries: { attempts: 0 } }];

        const first = await w.service.prune({});
        expect(first.pruned).toEqual([{ id: expect.any(Number), scope: 'default', url: gone.url, dead_letters_removed: 0 }]);
        expect(first.kept).toBe(2);
        const second = await w.service.prune({ dead_letters: true });
        expect(second.pruned).toEqual([{ id: expect.any(Number), scope: 'default', url: dead.url, dead_letters_removed: 1 }]);
        expect((await w.service.targets()).map((t) => t.url)).toEqual([kept.url]);
        expect((await w.service.deadLetters({ limit: 10 })).items.map((d) => d.url)).toEqual([kept.url]);

        // Configured again: a fresh target row, delivered to, and still known after a restart.
        w.webhooks.default.push({ url: gone.url, events: ['*'] });
        const [again] = await w.publish(1);
        await gone.until(() => gone.arrivals.some((a) => a.id === again), 'the re-added target delivered');
        expect((await w.service.targets()).map((t) => t.url)).toEqual([kept.url, gone.url]);
        await w.restart();
        const [afterRestart] = await w.publish(1);
        await gone.until(() => gone.arrivals.some((a) => a.id === afterRestart), 'delivered after the restart');
        expect((await w.service.targets()).map((t) => t.url)).toEqual([kept.url, gone.url]);
      });

      test('a target with pending rows is kept even when no config names it', async () => {
        const clock = new FastClock(false);
        const { r } = flaky();
        const w = await world({ default: [{ url: r.url, events: ['*'] }] }, clock);
        await w.publish(1);
        await w.until(() => w.attempts.length === 1, 'a failed attempt');
        w.webhooks.default = [];
        expect(await w.service.prune({ dead_letters: true })).toEqual({ pruned: [], kept: 1 });
      });
    });

    describe('routes', () => {
      async function app() {
        const w = await world({});
        const built = buildTestApp({ deps: { deliveries: w.service } });
        const call = (method: string, path: string, body?: unknown, key: string | null = 'test-key-123') =>
          built.app.handle(
            new Request(`http://localhost${path}`, {
              method,
              headers: { ...(key ? { 'x-api-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
              body: body === undefined ? undefined : JSON.stringify(body),
            }),
          );
        return { w, call };
      }

      test('every route needs the key', async () => {
        const { call } = await app();
        for (const [method, path] of [
          ['GET', '/api/webhooks/targets'],
          ['POST', '/api/webhooks/targets/prune'],
          ['GET', '/api/webhooks/dead-letters'],
          ['GET', '/api/webhooks/dead-letters/1'],
          ['POST', '/api/webhooks/dead-letters/replay'],
        ] as const) {
          const res = await call(method, path, method === 'POST' ? {} : undefined, null);
          expect(res.status, `${method} ${path}`).toBe(401);
        }
      });

      test('answers and errors in the one error shape', async () => {
        const { call } = await app();
        expect(await (await call('GET', '/api/webhooks/targets')).json()).toEqual([]);
        expect(await (await call('GET', '/api/webhooks/dead-letters')).json()).toEqual({ items: [], total: 0, next_before: null });
        const prune = await call('POST', '/api/webhooks/targets/prune', {});
        expect(prune.status).toBe(201);
        expect(await prune.json()).toEqual({ pruned: [], kept: 0 });

        const missing = await call('GET', '/api/webhooks/dead-letters/7');
        expect(missing.status).toBe(404);
        expect(await missing.json()).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: expect.stringContaining('No dead letter 7'),
        });
        const nothing = await call('POST', '/api/webhooks/dead-letters/replay', {});
        expect(nothing.status).toBe(400);
        expect((await nothing.json()).message).toContain('Nothing to replay');
        const replay = await call('POST', '/api/webhooks/dead-letters/replay', { seqs: [3] });
        expect(replay.status).toBe(201);
        expect(await replay.json()).toEqual({ replayed: [], missing: [3], targets: [] });

        const bad = await call('GET', '/api/webhooks/dead-letters?limit=5000');
        expect(bad.status).toBe(400);
        expect(await bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('500') });
        expect((await call('GET', '/api/webhooks/dead-letters?session=no%20spaces')).status).toBe(400);
      });

      test('a real dead letter through the routes: listed, shown, replayed', async () => {
        const { w, call } = await app();
        const { r, state } = flaky();
        w.webhooks.s1 = [{ url: r.url, events: ['*'], retries: { attempts: 0 } }];
        const [id] = await w.publish(1, 's1');
        await w.settled(1);
        const page = await (await call('GET', '/api/webhooks/dead-letters?session=s1')).json();
        expect(page.items.map((d: any) => d.event_id)).toEqual([id]);
        const one = await (await call('GET', `/api/webhooks/dead-letters/${page.items[0].seq}`)).json();
        expect(one.envelope.id).toBe(id);
        state.up = true;
        const replay = await (await call('POST', '/api/webhooks/dead-letters/replay', { seqs: [page.items[0].seq] })).json();
        expect(replay.replayed).toEqual([page.items[0].seq]);
        await w.settled(2);
        expect(r.arrivals.map((a) => a.id)).toEqual([id!, id!]);
        const targets = await (await call('GET', '/api/webhooks/targets')).json();
        expect(targets).toEqual([expect.objectContaining({ scope: 's1', url: r.url, state: 'idle', dead_letters: 0 })]);
      });
    });
  });
}
