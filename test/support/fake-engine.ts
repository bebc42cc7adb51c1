/**
 * A stand-in Engine for the SessionManager's own logic (lock, QR rule, backoff, restore), where
 * a real browser would only make the test slower. Its login "persists" as a file in the session's
 * data folder, like the real engine's Chromium profile, so wiping the folder logs it out.
 * Every feature is also covered against real Chromium in test/e2e.
 */

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, parseConfig } from '../../src/config';
import type { Engine, EngineEvent, EngineListener, EngineOptions, Me, TraceOptions, WhatsAppClient } from '../../src/engine/types';
import { EventBus } from '../../src/events/bus';
import { silentLogger } from '../../src/log';
import { SessionManager } from '../../src/modules/sessions/service';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { ManualClock } from './clock';

export const FAKE_ME: Me = { id: '14155550123@c.us', pushName: 'Test Phone' };

export interface FakeWorld {
  /** Engines whose browser is "running" now. */
  live: Set<FakeEngine>;
  /** Every engine ever built, in order. */
  built: FakeEngine[];
  /** When set, start() rejects with this message. */
  failStart: string | null;
  /** When set, start() waits for it first (a slow page load). */
  gate?: Promise<void> | null;
}

export class FakeEngine implements Engine {
  private readonly listeners = new Set<EngineListener>();
  private running = false;

  constructor(
    readonly opts: EngineOptions,
    private readonly world: FakeWorld,
  ) {}

  get session() {
    return this.opts.session;
  }
  get isRunning() {
    return this.running;
  }

  /** The launch under way or done (start()'s promise), to wait for it to settle. */
  launch: Promise<void> | null = null;

  start(): Promise<void> {
    this.launch = this.launching();
    return this.launch;
  }

  private async launching(): Promise<void> {
    await Promise.resolve(); // a launch is never synchronous
    if (this.world.gate) await this.world.gate;
    if (this.world.failStart) throw new Error(this.world.failStart);
    if (this.stopped) throw new Error('Browser start failed: stopped while starting');
    this.running = true;
    this.world.live.add(this);
    queueMicrotask(() => {
      if (!this.running) return;
      if (existsSync(join(this.opts.dataDir, 'login'))) this.emit({ type: 'ready', me: FAKE_ME });
      else this.emit({ type: 'qr', value: `ref-${this.world.built.length},noise,identity,adv,web` });
    });
  }

  /** stop() came (a launch still under way ends without a browser, as the real engine's does). */
  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.world.live.delete(this);
  }

  async logout(): Promise<void> {
    rmSync(join(this.opts.dataDir, 'login'), { force: true });
    await this.stop();
  }

  /** The phone scanned the QR. */
  scan(): void {
    writeFileSync(join(this.opts.dataDir, 'login'), 'yes');
    this.emit({ type: 'authenticated' });
    this.emit({ type: 'ready', me: FAKE_ME });
  }

  /** The browser died (as after SIGKILL). */
  crash(): void {
    this.running = false;
    this.world.live.delete(this);
    this.emit({ type: 'browser_exit', reason: 'killed' });
  }

  emit(e: EngineEvent): void {
    for (const l of [...this.listeners]) l(e);
  }

  on(l: EngineListener) {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  }
  me() {
    return this.running ? FAKE_ME : null;
  }
  browserPid() {
    return this.running ? 4242 : null;
  }
  async requestPairingCode() {
    return 'ABCDEFGH';
  }
  async screenshot() {
    return new Uint8Array([137, 80, 78, 71]);
  }
  /** What browserTrace was asked, in order; it answers a tiny trace at once. */
  readonly traces: TraceOptions[] = [];
  async browserTrace(opts: TraceOptions) {
    this.traces.push(opts);
    return new TextEncoder().encode('{"traceEvents":[]}');
  }
  /** What the governor asked of this page, in order. */
  readonly relief: string[] = [];
  async relieveMemory(level: 'cleanup' | 'aggressive') {
    this.relief.push(level);
    return { trim: { removed: 0 } };
  }
  /** A client whose calls are not needed here: the SessionManager only hands it out. */
  readonly calls = {} as WhatsAppClient;
  client() {
    return this.ready ? this.calls : null;
  }
  private get ready() {
    return this.running;
  }
}

export interface ManagerFixture {
  config: Config;
  dir: string;
  store: SqliteStore;
  clock: ManualClock;
  bus: EventBus;
  manager: SessionManager;
  world: FakeWorld;
  printed: string[];
  allFailed: number;
  /** The newest engine of a session. */
  engine(name: string): FakeEngine;
  /** A new manager on the same folder and store (a service restart). */
  restart(env?: Record<string, string>): Promise<void>;
  dispose(): Promise<void>;
}

/** An engine factory of FakeEngines in `world`: what `compose` takes in place of the whatsapp-web.js one. */
export function fakeEngineFactory(world: FakeWorld = { live: new Set(), built: [], failStart: null }) {
  return (opts: EngineOptions): Engine => {
    const e = new FakeEngine(opts, world);
    world.built.push(e);
    return e as unknown as Engine;
  };
}

/** A manager over a fake engine, a manual clock, a temp folder and a real store. `env` overrides the config. */
export async function fakeManager(env: Record<string, string> = {}, opts: { workerId?: string } = {}): Promise<ManagerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-sessions-'));
  const world: FakeWorld = { live: new Set(), built: [], failStart: null };
  const clock = new ManualClock();
  const build = async (extra: Record<string, string>) => {
    const config = parseConfig({
      WAHA_LOCAL_STORE_BASE_DIR: dir,
      INITIAL_RECONNECT_DELAY: '5',
      MAX_RECONNECT_ATTEMPTS: '2',
      ...env,
      ...extra,
    });
    const store = openSqliteStore(dir);
    const bus = new EventBus(silentLogger, () => clock.now());
    const manager = await SessionManager.open({
      config,
      store: store.sessions,
      bus,
      log: silentLogger,
      clock,
      engineFactory: fakeEngineFactory(world),
      printQr: (_s, v) => f.printed.push(v),
      onAllFailed: () => {
        f.allFailed++;
      },
      random: () => 0.5,
      workerId: opts.workerId,
    });
    return { config, store, bus, manager };
  };
  const f: ManagerFixture = {
    ...(await build({})),
    dir,
    clock,
    world,
    printed: [],
    allFailed: 0,
    engine(name) {
      const e = world.built.findLast((x) => x.session === name);
      if (!e) throw new Error(`no engine was built for ${name}`);
      return e;
    },
    async restart(extra = {}) {
      await f.manager.close(1000);
      await f.store.close();
      Object.assign(f, await build(extra));
      await f.manager.restore();
    },
    async dispose() {
      await f.manager.close(1000);
      await f.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
