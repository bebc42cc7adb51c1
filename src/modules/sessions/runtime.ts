/**
 * One session's moving parts: its engine, status, QR window and reconnect timer. Every method
 * that starts or stops the engine runs under the session's lock (held by the SessionManager, or
 * taken here through `ctx.lock` for timer- and event-driven work). Each engine and each timer is
 * stamped with a generation number, so an event or timer from an engine that has since been
 * replaced or stopped is ignored instead of acting on the new one.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { Clock, TimerHandle } from '../../clock';
import type { Config } from '../../config';
import type { Engine, EngineEvent, EngineFactory, Me, MediaSaver } from '../../engine/types';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log';
import { reconnectDelay } from './backoff';
import { engineOptions } from './engine-options';
import type { SessionConfig, SessionStatus } from './model';
import type { QrPrinter } from './qr';

/** What every session shares; given by the SessionManager. */
export interface RuntimeContext {
  config: Pick<
    Config,
    'MAX_RECONNECT_ATTEMPTS' | 'INITIAL_RECONNECT_DELAY' | 'QR_FIRST_TIMEOUT_MS' | 'QR_NEXT_TIMEOUT_MS' | 'QR_MAX_COUNT'
  >;
  bus: EventBus;
  log: Logger;
  engineFactory: EngineFactory;
  clock: Clock;
  dataDir(name: string): string;
  /** Runs `fn` under the session's lock (rejects once the manager is closing). */
  lock(name: string, fn: () => Promise<void>): Promise<void>;
  closing(): boolean;
  printQr: QrPrinter | null;
  random: () => number;
  /** Told after every status change. */
  onStatus(name: string, status: SessionStatus): void;
  /** Told of every reconnect attempt (counted in /metrics). */
  onReconnect(name: string): void;
  /** Where a session's incoming media is stored (WHATSAPP_DOWNLOAD_MEDIA); absent: not downloaded. */
  mediaSaver?: ((session: string) => MediaSaver) | null;
  /** The session's account is gone (logout, deletion): what was published of it is forgotten. */
  onWiped?(name: string): Promise<void>;
}

/** How many status changes `statuses` keeps (the newest). */
const HISTORY = 20;
export const QR_NOT_SCANNED = 'QR not scanned';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class SessionRuntime {
  status: SessionStatus = 'STOPPED';
  /** Why it is FAILED; null otherwise. */
  reason: string | null = null;
  readonly statuses: { status: SessionStatus; timestamp: number }[] = [];
  me: Me | null = null;
  /** The QR to serve while SCAN_QR_CODE. */
  qr: string | null = null;
  /** The presence last set through the API while this browser runs (WAHA's SessionInfo.presence); null: never set. */
  presence: 'online' | 'offline' | null = null;
  /** When the session last had an event or a call (ms); null before the first. */
  activity: number | null = null;
  private engine: Engine | null = null;
  private detach: (() => void) | null = null;
  private gen = 0;
  private qrCount = 0;
  private qrTimer: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private attempts = 0;
  constructor(
    readonly name: string,
    public config: SessionConfig | null,
    private readonly ctx: RuntimeContext,
  ) {}

  /** The session's logger; `config.debug` lowers its level to debug. */
  private get log(): Logger {
    return this.ctx.log.child({ session: this.name }, this.config?.debug ? 'debug' : undefined);
  }

  /** A browser is up or a reconnect is pending: the session is meant to be running. */
  get active(): boolean {
    return this.engine !== null || this.reconnectTimer !== null;
  }

  get currentEngine(): Engine | null {
    return this.engine;
  }

  get dataDir(): string {
    return this.ctx.dataDir(this.name);
  }

  /** Resolves with the status once it is one of `statuses`, or with the current one after `timeoutMs`. */
  waitFor(statuses: readonly SessionStatus[], timeoutMs: number): Promise<SessionStatus> {
    if (statuses.includes(this.status)) return Promise.resolve(this.status);
    return new Promise((resolve) => {
      const done = () => {
        this.ctx.clock.clearTimeout(timer);
        off();
        resolve(this.status);
      };
      const timer = this.ctx.clock.setTimeout(done, timeoutMs);
      const off = this.ctx.bus.subscribe((e) => {
        if (e.session === this.name && e.event === 'session.status' && statuses.includes(this.status)) done();
      });
    });
  }

  /** The one place the status changes: records `statuses` and publishes `session.status`. */
  setStatus(status: SessionStatus, reason: string | null = null): void {
    if (this.status === status && this.reason === reason) return;
    this.status = status;
    this.reason = status === 'FAILED' ? reason : null;
    this.statuses.push({ status, timestamp: this.ctx.clock.now() });
    if (this.statuses.length > HISTORY) this.statuses.splice(0, this.statuses.length - HISTORY);
    if (this.reason) this.log.warn('session status', { status, reason: this.reason });
    else this.log.info('session status', { status });
    const payload: Record<string, unknown> = { name: this.name, status, statuses: [...this.statuses] };
    if (this.reason) payload.reason = this.reason;
    this.publish('session.status', payload);
    this.ctx.onStatus(this.name, status);
  }

  /**
   * Under the lock: a fresh engine (the caller made sure none is running), STARTING. The browser
   * launches in the background, as WAHA's does: the lock is released at once, so a stop or restart
   * meanwhile is not held up by a page load; it stops the launching engine (which then kills its
   * browser as soon as it exists). A failed launch is retried, then FAILED, under the lock again
   * and only if nothing replaced the engine meanwhile.
   */
  async launch(): Promise<void> {
    this.clearReconnect();
    this.setStatus('STARTING');
    const gen = ++this.gen;
    try {
      await mkdir(this.dataDir, { recursive: true });
    } catch (err) {
      return this.launchFailed(gen, err);
    }
    if (this.ctx.closing()) return;
    const engine = this.ctx.engineFactory(
      engineOptions(this.name, this.config, this.dataDir, this.log, this.ctx.mediaSaver?.(this.name) ?? null),
    );
    this.engine = engine;
    this.detach = engine.on((e) => this.onEvent(gen, e));
    engine.start().catch((err) => this.locked(gen, async () => this.launchFailed(gen, err)));
  }

  /** Under the lock: cancels timers and closes the browser (after unlinking it, for 'logout'; at once, for `kill`). */
  async halt(how: 'stop' | 'logout' = 'stop', kill = false): Promise<void> {
    this.clearReconnect();
    await this.dropEngine(how, kill);
  }

  /** Another node runs it now (cluster): STOPPED here, without an event (this node may no longer write one). */
  forgetStatus(): void {
    this.status = 'STOPPED';
    this.reason = null;
  }

  /** Records a call on the session (its `timestamps.activity`). */
  touch(): void {
    this.activity = this.ctx.clock.now();
  }

  /** Removes the session's folder: Chromium profile, and with it the login. */
  async wipeData(): Promise<void> {
    await this.ctx.onWiped?.(this.name); // a new pairing starts with no history to catch up on
    await rm(this.dataDir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** A manual start/restart gets the full reconnect budget again. */
  resetAttempts(): void {
    this.attempts = 0;
  }

  private async launchFailed(gen: number, err: unknown): Promise<void> {
    if (gen !== this.gen || this.ctx.closing()) return; // stopped or replaced meanwhile: nothing to retry
    this.log.warn('engine failed to start', { error: messageOf(err) });
    await this.dropEngine();
    this.retryOrFail(messageOf(err));
  }

  private async dropEngine(how: 'stop' | 'logout' = 'stop', kill = false): Promise<void> {
    this.gen++;
    this.clearQr();
    this.me = null;
    this.presence = null;
    const engine = this.engine;
    if (!engine) return;
    this.engine = null;
    this.detach?.();
    this.detach = null;
    if (how === 'logout' && this.status === 'WORKING') {
      try {
        await engine.logout();
      } catch (err) {
        this.log.warn('logout failed; removing the data anyway', { error: messageOf(err) });
      }
    }
    try {
      await engine.stop(kill ? { kill } : undefined);
    } catch (err) {
      this.log.error('engine stop failed', { error: messageOf(err) });
    }
  }

  private retryOrFail(reason: string): void {
    if (this.ctx.closing()) return;
    const max = this.ctx.config.MAX_RECONNECT_ATTEMPTS;
    if (this.attempts >= max) {
      this.setStatus('FAILED', max > 0 ? `${reason} (gave up after ${max} reconnect attempt${max === 1 ? '' : 's'})` : reason);
      return;
    }
    const delayMs = reconnectDelay(this.attempts, this.ctx.config.INITIAL_RECONNECT_DELAY, this.ctx.random);
    this.attempts++;
    this.ctx.onReconnect(this.name);
    this.log.warn('reconnecting', { reason, attempt: this.attempts, of: max, delayMs });
    this.setStatus('STARTING');
    const gen = this.gen;
    this.reconnectTimer = this.ctx.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.locked(gen, () => this.launch());
    }, delayMs);
  }

  private onEvent(gen: number, e: EngineEvent): void {
    if (gen !== this.gen) return;
    switch (e.type) {
      case 'qr':
        return this.onQr(gen, e.value);
      case 'authenticated':
        this.clearQr();
        if (this.status === 'SCAN_QR_CODE') this.setStatus('STARTING');
        return;
      case 'ready':
        this.clearQr();
        this.me = e.me;
        this.attempts = 0;
        this.setStatus('WORKING');
        return;
      case 'auth_failure':
        return this.locked(gen, () => this.fail(`Authentication failed: ${e.reason}`));
      case 'disconnected':
        if (e.info.loggedOut) {
          // Unlinked from the phone: not retried; a new browser on a clean profile shows a new QR (as WAHA does).
          return this.locked(gen, async () => {
            this.log.info('logged out from the phone; starting again for a new QR', { reason: e.info.reason });
            await this.dropEngine();
            await this.wipeData();
            await this.launch();
          });
        }
        return this.locked(gen, async () => {
          await this.dropEngine();
          this.retryOrFail(`Disconnected: ${e.info.reason}`);
        });
      case 'browser_exit':
        return this.locked(gen, async () => {
          await this.dropEngine();
          this.retryOrFail(`Browser exited: ${e.reason}`);
        });
      case 'wa_event':
        return this.publish(e.event, e.payload);
    }
  }

  /**
   * The QR rule: WhatsApp Web rotates the QR itself (first after QR_FIRST_TIMEOUT_MS, then every
   * QR_NEXT_TIMEOUT_MS). A session gets QR_MAX_COUNT of them: the next one, or the end of the
   * window they span, makes it FAILED "QR not scanned" and closes its browser.
   */
  private onQr(gen: number, value: string): void {
    const { QR_FIRST_TIMEOUT_MS: first, QR_NEXT_TIMEOUT_MS: next, QR_MAX_COUNT: max } = this.ctx.config;
    this.qrCount++;
    if (this.qrCount > max) return this.locked(gen, () => this.fail(QR_NOT_SCANNED));
    if (this.qrCount === 1)
      this.qrTimer = this.ctx.clock.setTimeout(() => this.locked(gen, () => this.fail(QR_NOT_SCANNED)), first + (max - 1) * next);
    this.qr = value;
    this.ctx.printQr?.(this.name, value);
    this.setStatus('SCAN_QR_CODE');
  }

  private async fail(reason: string): Promise<void> {
    await this.halt();
    this.setStatus('FAILED', reason);
  }

  /** Event- and timer-driven work: under the lock, and only if nothing replaced the engine meanwhile. */
  private locked(gen: number, fn: () => Promise<void>): void {
    this.ctx
      .lock(this.name, async () => {
        if (gen === this.gen) await fn();
      })
      .catch((err) => {
        if (!this.ctx.closing()) this.log.error('session task failed', { error: messageOf(err) });
      });
  }

  private clearQr(): void {
    if (this.qrTimer) this.ctx.clock.clearTimeout(this.qrTimer);
    this.qrTimer = null;
    this.qrCount = 0;
    this.qr = null;
  }

  private clearReconnect(): void {
    if (this.reconnectTimer) this.ctx.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private publish(event: string, payload: unknown): void {
    this.touch();
    this.ctx.bus.publish({ session: this.name, event, payload, me: this.me, metadata: this.config?.metadata ?? {} });
  }
}
