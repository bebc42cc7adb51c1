/**
 * Test rig for webhooks: a real receiver (`Bun.serve` on port 0, or on a given port to come
 * back "up" where a dead one was), an outbox and a dispatcher on a real store (either binding,
 * test/support/stores.ts), a clock that records retry delays and fires them at once. Waits are
 * on arrivals and attempts, bounded; no sleeps.
 */
import { createHmac } from 'node:crypto';
import type { Clock, TimerHandle } from '../../src/clock';
import { type Attempt, WebhookDispatcher } from '../../src/events/dispatcher';
import type { Environment } from '../../src/events/envelope';
import { WebhookOutbox } from '../../src/events/outbox';
import type { WebhookConfig } from '../../src/events/targets';
import { Logger, silentLogger } from '../../src/log';
import type { Store } from '../../src/store/types';

export const ENV: Environment = { version: 'test', engine: 'WEBJS', tier: 'CORE', browser: 'Chromium/test' };

/** Condition waits: `poke()` after each change; `until` resolves when the check holds. */
export class Waits {
  private waits: { check: () => boolean; resolve: () => void }[] = [];

  until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      this.waits.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  poke(): void {
    this.waits = this.waits.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

export interface Arrival {
  id: string;
  body: string;
  headers: Headers;
  json: Record<string, any>;
}
export type Responder = (a: Arrival, n: number) => Response | Promise<Response>;

export class Receiver extends Waits {
  readonly arrivals: Arrival[] = [];
  private server!: ReturnType<typeof Bun.serve>;

  constructor(
    public respond: Responder = () => new Response('ok'),
    port = 0,
    /** Where to listen; a service in a container reaches the host at its bridge's gateway. */
    private readonly hostname = '127.0.0.1',
  ) {
    super();
    this.server = Bun.serve({
      port,
      hostname,
      fetch: async (req) => {
        const body = await req.text();
        this.arrivals.push({ id: req.headers.get('x-webhook-request-id') ?? '', body, headers: req.headers, json: JSON.parse(body) });
        this.poke();
        return this.respond(this.arrivals.at(-1)!, this.arrivals.length);
      },
    });
  }

  get url(): string {
    return `http://${this.hostname}:${this.server.port}/hook`;
  }
  get port(): number {
    return this.server.port!;
  }
  /** Distinct ids, in first-arrival order. */
  ids(): string[] {
    return [...new Set(this.arrivals.map((a) => a.id))];
  }
  distinct(n: number, timeoutMs?: number): Promise<void> {
    return this.until(() => new Set(this.arrivals.map((a) => a.id)).size >= n, `${n} distinct ids at ${this.url}`, timeoutMs);
  }
  stop(): Promise<void> {
    return this.server.stop(true);
  }
}

/** A port that was free a moment ago and now refuses connections: a receiver that is down. */
export async function deadPort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = s.port!;
  await s.stop(true);
  return port;
}

export const hmacOf = (key: string, body: string) => createHmac('sha512', key).update(body).digest('hex');

/**
 * A clock that stands still except when a timer is set: each retry timer moves it forward by
 * its delay and fires at once (or never, with `fire = false`). The delays asked for are recorded
 * (`until` waits on them).
 */
export class FastClock extends Waits implements Clock {
  private t = Date.now();
  readonly delays: number[] = [];
  constructor(private readonly fire = true) {
    super();
  }
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number): TimerHandle => {
    this.delays.push(ms);
    this.poke();
    if (!this.fire) return {};
    this.t += ms;
    return setTimeout(fn, 1) as unknown as TimerHandle;
  };
  clearTimeout = (h: TimerHandle) => {
    clearTimeout(h as unknown as ReturnType<typeof setTimeout>);
  };
}

export interface RigOptions {
  webhooks?: Record<string, WebhookConfig[]>;
  global?: WebhookConfig | null;
  clock?: Clock;
  timeoutMs?: number;
  start?: boolean;
  log?: (line: string) => void;
  concurrency?: number;
}

/** One outbox + dispatcher on a store, recording every attempt. */
export class Rig extends Waits {
  readonly attempts: Attempt[] = [];
  outbox!: WebhookOutbox;
  dispatcher!: WebhookDispatcher;

  private constructor(private readonly opts: RigOptions) {
    super();
  }

  static async create(store: Store, opts: RigOptions = {}): Promise<Rig> {
    return new Rig(opts).open(store);
  }

  /** A fresh outbox and dispatcher on `store` (a restart). */
  async open(store: Store): Promise<this> {
    const clock = this.opts.clock;
    const log = this.opts.log ? new Logger({ level: 'warn', format: 'JSON', write: this.opts.log }) : silentLogger;
    this.outbox = await WebhookOutbox.open({
      store: store.outbox,
      webhooksOf: (s) => this.opts.webhooks?.[s] ?? [],
      global: this.opts.global ?? null,
      environment: () => ENV,
      now: clock ? () => clock.now() : undefined,
      log,
    });
    this.dispatcher = new WebhookDispatcher({
      outbox: this.outbox,
      timeoutMs: this.opts.timeoutMs ?? 5000,
      concurrency: this.opts.concurrency,
      clock,
      log,
      onAttempt: (a) => {
        this.attempts.push(a);
        this.poke();
      },
    });
    if (this.opts.start !== false) this.dispatcher.start();
    return this;
  }

  /** Publishes `n` events; resolves with their ids once all are committed. */
  async publish(n: number, event = 'message', session = 'default'): Promise<string[]> {
    const now = this.opts.clock?.now() ?? Date.now();
    const envs = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        this.outbox.publish({
          session,
          event,
          payload: { n: i },
          me: { id: '1@c.us', pushName: 'Me' },
          metadata: { 'user.id': '7' },
          timestamp: now,
        }),
      ),
    );
    return envs.map((e) => e!.id);
  }

  /** Waits until nothing is pending. */
  drained(timeoutMs?: number): Promise<void> {
    return this.until(() => this.outbox.stats().pending === 0, 'the outbox to drain', timeoutMs);
  }

  stop(): Promise<void> {
    return this.dispatcher.stop(1000);
  }
}
