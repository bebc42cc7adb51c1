/**
 * SessionManager: many WhatsApp sessions in one process. One lock per session name around every
 * mutating operation (create, update, start, stop, restart, logout, delete), so 20 concurrent calls
 * on one name end in one consistent state with one browser or none. Configs and "should it run"
 * live in the store; each session's login lives in its Chromium profile under
 * `<WAHA_LOCAL_STORE_BASE_DIR>/sessions/<name>/`. No HTTP here.
 */
import { join } from 'node:path';
import type { Clock } from '../../clock';
import type { ClusterNode } from '../../cluster/node';
import type { Config } from '../../config';
import type { Clients, EngineFactory, Me, MediaSaver, TraceOptions, WhatsAppClient } from '../../engine/types';
import { HttpError, NotFoundError, UnprocessableError } from '../../errors';
import type { EventBus } from '../../events/bus';
import { KeyedLock } from '../../lock';
import type { Logger } from '../../log';
import type { SessionMemoryView } from '../../memory';
import type { SessionStore } from '../../store/types';
import type { SessionConfig, SessionDetails, SessionInfo, SessionStatus } from './model';
import type { QrPrinter } from './qr';
import { SessionRuntime } from './runtime';
import { assertSessionConfig, assertSessionName, notExpected } from './validate';

export interface SessionManagerDeps {
  config: Config;
  store: SessionStore;
  bus: EventBus;
  log: Logger;
  engineFactory: EngineFactory;
  clock: Clock;
  /** Prints each new QR (WAHA_PRINT_QR); null: off. */
  printQr?: QrPrinter | null;
  /** Called when the last session that should run went FAILED (EXIT_ON_ALL_SESSIONS_FAILED). */
  onAllFailed?: (() => void) | null;
  /** Jitter source for reconnect delays. */
  random?: () => number;
  /** Told of every reconnect attempt (for /metrics). */
  onReconnect?: (session: string) => void;
  /** This process's worker id (WAHA's `assignedWorker`). */
  workerId?: string;
  /** Stores a session's incoming media (WHATSAPP_DOWNLOAD_MEDIA); absent: not downloaded. */
  mediaSaver?: ((session: string) => MediaSaver) | null;
  /** A session's account is gone (logout, deletion). */
  onWiped?: (session: string) => Promise<void>;
  /**
   * In a cluster (WAHA_WORKER_ID with the PostgreSQL store): this node runs only the sessions it
   * holds a lease on (docs/cluster.md). Absent: this node runs every session, as a single node.
   */
  cluster?: ClusterNode | null;
}

/** How long a QR or pairing-code request waits for a STARTING session to show its QR (WAHA: 5 s). */
const QR_WAIT_MS = 5000;

export class SessionManager implements Clients {
  private readonly sessions = new Map<string, SessionRuntime>();
  private readonly lock = new KeyedLock();
  private isClosing = false;

  private constructor(private readonly deps: SessionManagerDeps) {}

  /** The manager with the stored sessions loaded (none started: `restore` does that). */
  static async open(deps: SessionManagerDeps): Promise<SessionManager> {
    const m = new SessionManager(deps);
    for (const row of await deps.store.list()) m.sessions.set(row.name, m.runtime(row.name, row.config));
    deps.cluster?.bind({
      runClaimed: (name) => m.runClaimed(name),
      lost: (name) => m.lost(name),
      sync: (rows) => m.sync(rows),
      capacity: () => ({ active: m.activeCount(), max: deps.config.MAX_RUNNING_SESSIONS }),
      dataDir: (name) => m.dataDir(name),
      working: (name) => m.sessions.get(name)?.status === 'WORKING',
    });
    return m;
  }

  /**
   * At start-up: starts the sessions stored as running (all with WHATSAPP_RESTART_ALL_SESSIONS) and
   * the WHATSAPP_START_SESSION names, created if missing. Settles when every start has; never throws.
   */
  async restore(): Promise<void> {
    const { WHATSAPP_RESTART_ALL_SESSIONS: all, WHATSAPP_START_SESSION: named } = this.deps.config;
    if (this.deps.cluster) {
      // The nodes' claim rounds start what should run; here the named sessions are only marked so.
      for (const name of named) {
        if (!this.sessions.has(name)) {
          await this.deps.store.insert(name, null, true).catch(() => {}); // another node may have made it
          this.sessions.set(name, this.runtime(name, null));
        } else await this.deps.store.setRunning(name, true);
      }
      return;
    }
    const wanted = new Set((await this.deps.store.list()).filter((r) => all || r.running).map((r) => r.name));
    for (const name of named) {
      if (!this.sessions.has(name)) {
        await this.deps.store.insert(name, null);
        this.sessions.set(name, this.runtime(name, null));
      }
      wanted.add(name);
    }
    await Promise.all(
      [...wanted].map((name) =>
        this.start(name).catch((err) =>
          this.deps.log.error('session did not start', { session: name, error: err instanceof Error ? err.message : String(err) }),
        ),
      ),
    );
  }

  /** `expand`: WAHA's extra blocks (`apps`). */
  list(all = false, expand: readonly string[] = []): SessionInfo[] {
    return [...this.sessions.values()].map((s) => this.info(s, expand)).filter((i) => all || i.status !== 'STOPPED');
  }

  get(name: string, expand: readonly string[] = []): SessionDetails {
    const s = this.need(name);
    const version = this.deps.config.WAHA_WEBJS_WEB_VERSION;
    return {
      ...this.info(s, expand),
      engine: { engine: 'WEBJS', WWebVersion: version || null, state: s.status === 'WORKING' ? 'CONNECTED' : null },
    };
  }

  me(name: string): Me | null {
    const s = this.need(name);
    return s.status === 'WORKING' ? s.me : null;
  }

  async create(req: { name?: string; start?: boolean; config?: SessionConfig | null }): Promise<SessionInfo> {
    const name = req.name ?? 'default';
    assertSessionName(name);
    assertSessionConfig(req.config);
    return this.op(name, async () => {
      // WAHA's body exactly: clients match this message.
      if (this.sessions.has(name)) throw new UnprocessableError(`Session '${name}' already exists. Use PUT to update it.`);
      const max = this.deps.config.MAX_SESSIONS;
      if (this.sessions.size >= max)
        throw new UnprocessableError(
          `There are ${this.sessions.size} sessions, the most this service keeps (MAX_SESSIONS=${max}). Delete one first.`,
          {
            limit: max,
          },
        );
      const start = req.start ?? true;
      if (start) this.assertCanRun(name);
      const config = req.config ?? null;
      await this.deps.store.insert(name, config);
      const s = this.runtime(name, config);
      this.sessions.set(name, s);
      if (start) await this.relaunch(s);
      return this.info(s);
    });
  }

  /** Replaces the config; a running session is stopped and started again with it. */
  async update(name: string, config: SessionConfig | null): Promise<SessionInfo> {
    assertSessionConfig(config);
    return this.op(name, async () => {
      const s = this.need(name);
      const wasActive = s.active;
      await s.halt();
      s.config = config;
      await this.deps.store.setConfig(name, config);
      if (wasActive) await this.relaunch(s);
      else s.setStatus('STOPPED'); // as WAHA: an update stops a FAILED session too
      return this.info(s);
    });
  }

  /** Idempotent: a running (or reconnecting) session is left as it is. */
  start(name: string): Promise<SessionInfo> {
    return this.op(name, async () => {
      const s = this.need(name);
      if (!s.active) {
        this.assertCanRun(name);
        await this.relaunch(s);
      }
      return this.info(s);
    });
  }

  stop(name: string): Promise<SessionInfo> {
    return this.op(name, async () => {
      const s = this.need(name);
      const wasWorking = s.status === 'WORKING';
      await s.halt();
      s.setStatus('STOPPED');
      await this.deps.store.setRunning(name, false);
      await this.deps.cluster?.release(name, wasWorking);
      return this.info(s);
    });
  }

  restart(name: string): Promise<SessionInfo> {
    return this.op(name, async () => {
      const s = this.need(name);
      if (!s.active) this.assertCanRun(name);
      await s.halt();
      await this.relaunch(s);
      return this.info(s);
    });
  }

  /** Unlinks the device (when logged in) and removes the login; a running session starts again for a new QR. */
  logout(name: string): Promise<SessionInfo> {
    return this.op(name, async () => {
      const s = this.need(name);
      const wasActive = s.active;
      await s.halt('logout');
      await s.wipeData();
      if (wasActive) await this.relaunch(s);
      else s.setStatus('STOPPED');
      return this.info(s);
    });
  }

  /** Stops, logs out, removes the data folder and the stored row. Idempotent. */
  async delete(name: string): Promise<void> {
    assertSessionName(name);
    return this.op(name, async () => {
      const s = this.sessions.get(name);
      if (s) {
        await s.halt('logout');
        s.setStatus('STOPPED');
        await s.wipeData();
      }
      await this.deps.cluster?.release(name, false);
      await this.deps.store.delete(name);
      this.sessions.delete(name);
    });
  }

  /**
   * The QR string while SCAN_QR_CODE; else 422 with WAHA's `session`, `status` and `expected`. A
   * STARTING session (a browser loading, a reconnect pending) is waited for, up to 5 s, on its status
   * events; one that is WORKING, STOPPED or FAILED shows no QR without an action, so it is answered at once.
   */
  async qr(name: string): Promise<string> {
    const s = await this.settled(name);
    if (s.status !== 'SCAN_QR_CODE' || !s.qr) throw notExpected(s, ['SCAN_QR_CODE']);
    return s.qr;
  }

  /** A pairing code for linking with a phone number instead of the QR: `ABCD-EFGH`. */
  async requestCode(name: string, phoneNumber: string): Promise<string> {
    const s = await this.settled(name);
    const engine = s.currentEngine;
    if (s.status !== 'SCAN_QR_CODE' || !engine) throw notExpected(s, ['SCAN_QR_CODE']);
    const code = (await engine.requestPairingCode(phoneNumber.replace(/\D/g, ''))).trim();
    return /^[A-Z0-9]{8}$/i.test(code) ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
  }

  async screenshot(name: string): Promise<Uint8Array> {
    const s = this.need(name);
    if (!s.currentEngine) throw notExpected(s, ['STARTING', 'SCAN_QR_CODE', 'WORKING']);
    return s.currentEngine.screenshot();
  }

  /** The WhatsApp calls of a WORKING session: 404 unknown, 422 not WORKING (with its status). Each use is the session's activity. */
  client(name: string): WhatsAppClient {
    const s = this.need(name);
    const client = s.status === 'WORKING' ? s.currentEngine?.client() : null;
    if (!client) throw notExpected(s, ['WORKING']);
    s.touch();
    return client;
  }

  /** Records the presence set through the API (SessionInfo.presence; forgotten when the browser stops). */
  setPresence(name: string, presence: 'online' | 'offline'): void {
    this.need(name).presence = presence;
  }

  /** A Chrome DevTools trace of a WORKING session's page (the debug route): 404 unknown, 422 not WORKING. */
  async browserTrace(name: string, opts: TraceOptions): Promise<Uint8Array> {
    const s = this.need(name);
    const engine = s.status === 'WORKING' ? s.currentEngine : null;
    if (!engine) throw notExpected(s, ['WORKING']);
    s.touch();
    return await engine.browserTrace(opts);
  }

  /** The client of a WORKING session, or null (never throws). */
  clientOf(name: string): WhatsAppClient | null {
    const s = this.sessions.get(name);
    return s?.status === 'WORKING' ? (s.currentEngine?.client() ?? null) : null;
  }

  counts(): { total: number; working: number } {
    return { total: this.sessions.size, working: [...this.sessions.values()].filter((s) => s.status === 'WORKING').length };
  }

  /** A session's `config.webhooks`; [] when it has none or does not exist (never throws). */
  webhooksOf(name: string): NonNullable<SessionConfig['webhooks']> {
    return this.sessions.get(name)?.config?.webhooks ?? [];
  }

  /** Each session as the memory sampler and governor see it. */
  memoryView(): SessionMemoryView[] {
    return [...this.sessions.values()].map((s) => {
      const engine = s.currentEngine;
      return {
        session: s.name,
        pid: engine?.browserPid() ?? null,
        dataDir: s.dataDir,
        relieve: s.status === 'WORKING' && engine ? (level) => engine.relieveMemory(level) : null,
        memoryLimitMb: s.config?.memoryLimitMb ?? null,
      };
    });
  }

  /** Resolves with the status once it is one of `statuses`, or with the current one after `timeoutMs`. */
  waitForStatus(name: string, statuses: SessionStatus[], timeoutMs: number): Promise<SessionStatus> {
    return this.need(name).waitFor(statuses, timeoutMs);
  }

  /** Closes every browser (without changing what is stored as running), within `timeoutMs`; `kill`: SIGKILLed at once. */
  async close(timeoutMs: number, kill = false): Promise<void> {
    this.isClosing = true;
    const all = [...this.sessions.values()];
    const halted = Promise.all(all.map((s) => s.halt('stop', kill).catch(() => {})));
    let timer: Timer | undefined;
    await Promise.race([
      halted,
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // An operation that was running (a launch) sees `closing` and stops; give it the rest of the budget.
    await Promise.race([Promise.all(all.map((s) => this.lock.idle(s.name))), new Promise((r) => setTimeout(r, 100))]);
  }

  /** 422 when starting `name` would run more browsers than MAX_RUNNING_SESSIONS allows (in a cluster, another node may run it). */
  private assertCanRun(name: string): void {
    if (this.deps.cluster) return;
    const max = this.deps.config.MAX_RUNNING_SESSIONS;
    const running = [...this.sessions.values()].filter((s) => s.name !== name && s.active).length;
    if (running >= max)
      throw new UnprocessableError(
        `${running} sessions are running, the most this service runs at once (MAX_RUNNING_SESSIONS=${max}; each has its own browser). Stop one first, or raise the limit if the memory allows.`,
        { limit: max, running },
      );
  }

  private async relaunch(s: SessionRuntime): Promise<void> {
    s.resetAttempts();
    const cluster = this.deps.cluster;
    if (cluster && !cluster.holds(s.name)) {
      // The claim marks the row running in the same statement. Full here, or another node holds
      // it: the row says it should run, and a node with room claims it.
      const room = this.activeCount() < this.deps.config.MAX_RUNNING_SESSIONS;
      if (!room || !(await cluster.claim(s.name))) {
        await this.deps.store.setRunning(s.name, true);
        return;
      }
    } else await this.deps.store.setRunning(s.name, true);
    await s.launch();
  }

  private activeCount(): number {
    return [...this.sessions.values()].filter((s) => s.active).length;
  }

  private dataDir(name: string): string {
    return join(this.deps.config.WAHA_LOCAL_STORE_BASE_DIR, 'sessions', name);
  }

  /** A session this node has just claimed (cluster): started as a restore would. */
  private runClaimed(name: string): Promise<void> {
    return this.op(name, async () => {
      let s = this.sessions.get(name);
      if (!s) {
        const row = (await this.deps.store.list()).find((r) => r.name === name);
        if (!row) return;
        s = this.runtime(name, row.config);
        this.sessions.set(name, s);
      }
      if (s.active) return;
      s.resetAttempts();
      await s.launch();
    });
  }

  /** The lease of a session is gone (cluster): its browser is killed, nothing more is published of it here. */
  private async lost(name: string): Promise<void> {
    const s = this.sessions.get(name);
    if (!s) return;
    await this.lock.run(name, async () => {
      await s.halt('stop', true);
      s.forgetStatus();
    });
  }

  /** The stored sessions (cluster): those made, changed or deleted through other nodes. */
  private sync(rows: readonly { name: string; config: string }[]): void {
    const cluster = this.deps.cluster;
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.name);
      let config: SessionConfig | null = null;
      try {
        config = JSON.parse(row.config) as SessionConfig | null;
      } catch {
        /* unreadable: shown without a config */
      }
      const s = this.sessions.get(row.name);
      if (!s) this.sessions.set(row.name, this.runtime(row.name, config));
      else if (!cluster?.holds(row.name) && !s.active) s.config = config;
    }
    for (const [name, s] of this.sessions)
      if (!seen.has(name) && !cluster?.holds(name) && !s.active && !this.lock.busy(name)) this.sessions.delete(name);
  }

  /** The session, after waiting (bounded) for a STARTING one to settle. */
  private async settled(name: string): Promise<SessionRuntime> {
    const s = this.need(name);
    if (s.status === 'STARTING') await s.waitFor(['SCAN_QR_CODE', 'WORKING', 'FAILED', 'STOPPED'], QR_WAIT_MS);
    return s;
  }

  /** The session, or WAHA's 404 (its exact body: clients match the message) on every route that names one. */
  private need(name: string): SessionRuntime {
    assertSessionName(name);
    const s = this.sessions.get(name);
    if (!s) throw new NotFoundError('Session not found');
    return s;
  }

  private op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const closed = () => new HttpError(503, 'The service is shutting down; try again once it is back.');
    if (this.isClosing) return Promise.reject(closed());
    return this.lock.run(name, () => {
      if (this.isClosing) throw closed();
      return fn();
    });
  }

  private info(s: SessionRuntime, expand: readonly string[] = []): SessionInfo {
    const cluster = this.deps.cluster;
    const row = cluster && !cluster.holds(s.name) ? cluster.rowOf(s.name) : undefined;
    // A session another node runs: as the store shows it (running with no live lease: being taken over).
    const status: SessionStatus = row
      ? !row.running
        ? 'STOPPED'
        : row.live
          ? ((row.status as SessionStatus | null) ?? 'STARTING')
          : 'STARTING'
      : s.status;
    const info: SessionInfo = {
      name: s.name,
      status,
      config: s.config,
      me: !row && s.status === 'WORKING' ? s.me : null,
      presence: row ? null : s.presence,
      timestamps: { activity: s.activity },
      assignedWorker: row ? (row.live ? row.owner : null) : (this.deps.workerId ?? null),
      // Apps are not available here (every /api/apps route answers 422): none to expand.
      apps: expand.includes('apps') ? [] : null,
    };
    if (s.reason) info.reason = s.reason;
    return info;
  }

  private runtime(name: string, config: SessionConfig | null): SessionRuntime {
    const { config: c, bus, log, engineFactory, clock } = this.deps;
    return new SessionRuntime(name, config, {
      config: c,
      bus,
      log,
      engineFactory,
      clock,
      dataDir: (n) => join(c.WAHA_LOCAL_STORE_BASE_DIR, 'sessions', n),
      lock: (n, fn) => this.op(n, fn),
      closing: () => this.isClosing,
      printQr: this.deps.printQr ?? null,
      random: this.deps.random ?? Math.random,
      onStatus: (n, status) => {
        this.deps.cluster?.statusChanged(n, status);
        if (status === 'FAILED') this.checkAllFailed();
      },
      onReconnect: (n) => this.deps.onReconnect?.(n),
      mediaSaver: this.deps.mediaSaver ?? null,
      onWiped: this.deps.onWiped,
    });
  }

  private checkAllFailed(): void {
    const meant = [...this.sessions.values()].filter((s) => s.status !== 'STOPPED');
    if (meant.length > 0 && meant.every((s) => s.status === 'FAILED')) {
      this.deps.log.error('every session FAILED', { sessions: meant.map((s) => ({ name: s.name, reason: s.reason })) });
      this.deps.onAllFailed?.();
    }
  }
}
