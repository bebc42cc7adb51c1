/**
 * The whatsapp-web.js engine: one Chromium per session, with its profile (LocalAuth: the login
 * survives restarts), HOME, XDG_* and TMPDIR inside the session's data folder.
 *
 * Lifecycle: launch and page load are bounded by `initTimeoutMs`; `stop()` is `client.destroy()`
 * bounded by `destroyTimeoutMs` (skipped by `stop({kill: true})`), then always a SIGKILL of the
 * whole process tree and the removal of a left-over SingletonLock. A stop during a launch ends the
 * launch (its browser is killed as soon as it exists). A browser that dies or a page that crashes is reported once, as
 * `browser_exit`; a WhatsApp disconnect once, as `disconnected`.
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import type { Client } from 'whatsapp-web.js';
import { HttpError, UnprocessableError, UpstreamError } from '../../errors';
import type { Logger } from '../../log';
import { killTree, snapshot } from '../../os/kill';
import { procfs } from '../../os/proc';
import { adoptOrphans } from '../../os/reaper';
import type { Engine, EngineEvent, EngineListener, EngineOptions, Me, ReliefLevel, TraceOptions, WhatsAppClient } from '../types';
import { createWebjsClient } from './client';
import { MessageEvents } from './events';
import { disconnectInfo } from './mapping';
import { collectPageGarbage, relieveMemory } from './memory';
import { clientOptions, guardReinjection, type WebjsSettings } from './options';
import { ME_LID } from './page';
import { clearStaleLock, prepareDirs, type SessionDirs, sessionDirs } from './profile';
import { traceBrowser } from './trace';

type Lib = typeof import('whatsapp-web.js');

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** One session's whatsapp-web.js Client in its own Chromium. */
export class WebjsEngine implements Engine {
  readonly session: string;
  private readonly dirs: SessionDirs;
  /** In the command line of every process of this session (profile, crashpad database). */
  private readonly marker: string;
  private readonly log: Logger;
  private readonly listeners = new Set<EngineListener>();
  private readonly events: MessageEvents;
  /** The library's Client of the current run. */
  private wa: Client | null = null;
  private currentPage: Page | null = null;
  private pid: number | null = null;
  /** The browser's start time: tells it from a later process that reuses its pid. */
  private pidStart = 0;
  private current: Me | null = null;
  private calls: WhatsAppClient | null = null;
  /** Bumped by every start, stop and logout: callbacks of an older run are ignored. */
  private run = 0;
  private stopping: Promise<void> | null = null;
  /** browser_exit or disconnected was reported for this run: nothing more is. */
  private ended = false;
  /** The library's initialize() while it runs: a stop waits for it while the browser is still being spawned. */
  private launching: Promise<void> | null = null;

  constructor(
    private readonly settings: WebjsSettings,
    private readonly opts: EngineOptions,
  ) {
    this.session = opts.session;
    this.dirs = sessionDirs(opts.dataDir);
    this.marker = `${this.dirs.root}/`;
    this.log = opts.log.child({ engine: 'webjs' });
    this.events = new MessageEvents(
      (e) => this.emit(e),
      () => this.current?.id ?? null,
      this.log,
      { ignore: opts.ignore, saveMedia: opts.saveMedia },
    );
  }

  async start(): Promise<void> {
    if (this.wa) throw new Error(`Session '${this.session}' is already started`);
    const run = ++this.run;
    this.stopping = null;
    this.ended = false;
    const stillCurrent = () => {
      if (run !== this.run) throw new Error('stopped while starting');
    };
    try {
      adoptOrphans();
      // A previous process of ours may have died and left this session's browser behind.
      const leftovers = await killTree(null, { marker: this.marker, timeoutMs: this.settings.destroyTimeoutMs });
      if (leftovers) this.log.warn('killed left-over browser processes of this session', { count: leftovers });
      prepareDirs(this.dirs);
      clearStaleLock(this.dirs.profile);
      const lib = await import('whatsapp-web.js');
      stillCurrent();
      const client = this.createClient(lib, run);
      this.wa = client;
      const init = client.initialize();
      init.catch(() => {}); // after a time-out it still settles; its error is reported below
      this.launching = init;
      void init
        .finally(() => {
          if (this.launching === init) this.launching = null;
        })
        .catch(() => {});
      await withTimeout(init, this.settings.initTimeoutMs, 'Loading WhatsApp Web');
      stillCurrent();
    } catch (err) {
      if (run === this.run) await this.stop(); // else stop() came meanwhile and does the cleanup
      throw new Error(`Browser start failed: ${message(err)}`);
    }
  }

  stop(opts: { kill?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(opts.kill ?? false);
    return this.stopping;
  }

  /** Unlinks the device in WhatsApp Web, closes the browser and removes the login (profile). */
  async logout(): Promise<void> {
    const page = this.currentPage;
    this.run++; // the page reloads after a logout: none of what follows is news for the listeners
    if (page && this.current) {
      try {
        await withTimeout(page.evaluate("window.require('WAWebSocketModel').Socket.logout()"), this.settings.destroyTimeoutMs, 'Logout');
      } catch (err) {
        this.log.warn('logout in WhatsApp Web failed; removing the login anyway', { error: message(err) });
      }
    }
    await this.stop();
    rmSync(this.dirs.profile, { recursive: true, force: true, maxRetries: 3 });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    if (!this.wa) throw new UnprocessableError(`Session '${this.session}' has no browser running — start the session first.`);
    const code = await this.wa.requestPairingCode(phoneNumber, true);
    return code;
  }

  me(): Me | null {
    return this.current;
  }

  browserPid(): number | null {
    return this.pid;
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  client(): WhatsAppClient | null {
    return this.calls;
  }

  async screenshot(): Promise<Uint8Array> {
    // Awaited in a block body: Bun drops the caller's frame of a call in tail position, and
    // puppeteer's page calls read that frame (docs/runtime-facts.md, "Bun quirks").
    const shot = await this.page().screenshot({ type: 'png' });
    return shot;
  }

  async browserTrace(opts: TraceOptions): Promise<Uint8Array> {
    try {
      const trace = await traceBrowser(this.page(), opts);
      return trace;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new UpstreamError(`Tracing the browser failed: ${message(err)}`, { call: 'browserTrace' });
    }
  }

  async relieveMemory(level: ReliefLevel): Promise<Record<string, unknown>> {
    const result = await relieveMemory(this.page(), level, this.settings.keepPerChat);
    return result;
  }

  private page(): Page {
    if (!this.currentPage)
      throw new UnprocessableError(`Session '${this.session}' has no page yet — wait for status SCAN_QR_CODE or WORKING.`);
    return this.currentPage;
  }

  private createClient(lib: Lib, run: number): Client {
    const auth = new lib.LocalAuth({ dataPath: this.dirs.root }); // profile: <dataDir>/session
    const client = new lib.Client(clientOptions(this.settings, this.opts, this.dirs, auth));
    // initialize() calls this right after the launch (and the library again after a logout
    // reload, same browser): the browser is watched from the first call on.
    const afterBrowser = auth.afterBrowserInitialized.bind(auth);
    let watched = false;
    auth.afterBrowserInitialized = async () => {
      await afterBrowser();
      if (watched) return;
      watched = true;
      await this.watch(run, client.pupBrowser!, client.pupPage!);
    };
    guardReinjection(client, (err) =>
      this.lost(run, { type: 'disconnected', info: { reason: `NAVIGATION: ${message(err)}`, loggedOut: false } }),
    );
    this.wire(client, lib, run);
    return client;
  }

  private async watch(run: number, browser: Browser, page: Page): Promise<void> {
    const proc = browser.process();
    if (run !== this.run) {
      // stop() came during the launch: this browser must not live on
      await killTree(proc?.pid ?? null, { marker: this.marker, timeoutMs: this.settings.destroyTimeoutMs });
      throw new Error('stopped while starting');
    }
    // puppeteer drops its error listeners from the DevTools pipe when it closes it; a write that
    // races the browser's exit (two closes at once) then fails with EPIPE and no listener: an
    // uncaught error. Seen in the e2e CONFLICT test.
    for (const stream of proc?.stdio ?? []) stream?.on('error', (err) => this.log.debug('browser pipe error', { error: message(err) }));
    this.currentPage = page;
    this.pid = proc?.pid ?? null;
    this.pidStart = this.pid ? (procfs.stat(this.pid)?.start ?? 0) : 0;
    const exited = new Promise<string>((resolve) => {
      proc?.once('exit', (code, signal) => resolve(signal ? `Chromium was killed (${signal})` : `Chromium exited with code ${code}`));
    });
    void exited.then((reason) => this.lost(run, { type: 'browser_exit', reason }));
    browser.once('disconnected', async () => {
      const reason = await withTimeout(exited, 1000, 'exit').catch(() => 'Chromium disconnected');
      this.lost(run, { type: 'browser_exit', reason });
    });
    page.once('error', (err: Error) => this.lost(run, { type: 'browser_exit', reason: `WhatsApp Web's page crashed: ${err.message}` }));
  }

  private wire(client: Client, lib: Lib, run: number): void {
    const emit = (e: EngineEvent) => {
      if (run === this.run) this.emit(e);
    };
    client.on('qr', (value: string) => emit({ type: 'qr', value }));
    client.on('authenticated', () => emit({ type: 'authenticated' }));
    client.on('auth_failure', (reason: unknown) => emit({ type: 'auth_failure', reason: String(reason) }));
    client.on('ready', async () => {
      const me: Me = { id: client.info.wid._serialized, pushName: client.info.pushname ?? '' };
      // The library's ClientInfo has no LID; the page knows it (WAHA's MeInfo carries it).
      const lid = await withTimeout(client.pupPage!.evaluate(ME_LID), 2000, 'Reading the LID').catch(() => null);
      if (run !== this.run) return;
      if (lid) me.lid = lid;
      this.current = me;
      this.calls = createWebjsClient(client, lib, this.events);
      emit({ type: 'ready', me });
      const page = this.currentPage;
      if (page) void collectPageGarbage(page).catch((err) => this.log.debug('page collection after ready failed', { error: message(err) }));
    });
    client.on('disconnected', (reason: unknown) => {
      if (run !== this.run) return;
      this.current = null;
      this.calls = null;
      this.lost(run, { type: 'disconnected', info: disconnectInfo(reason) });
    });
    client.on('change_state', (state: unknown) => this.log.debug('WhatsApp Web state', { state }));
    this.events.attach(client);
  }

  /** The first sign that a run ended (browser gone, disconnect) is reported; later ones are not. */
  private lost(run: number, e: EngineEvent): void {
    if (run !== this.run || this.ended) return;
    this.ended = true;
    this.log.warn(e.type === 'disconnected' ? 'WhatsApp disconnected' : 'browser exited', { event: e });
    this.emit(e);
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error('engine listener failed', { event: e.type, error: message(err) });
      }
    }
  }

  private async shutdown(kill: boolean): Promise<void> {
    this.run++;
    // A stop during a launch whose browser is not known yet (puppeteer is spawning it): its watcher
    // kills it the moment it exists, since the run changed. Wait for that, so that no browser of
    // this session outlives the stop and the next launch finds its profile free.
    const launching = this.launching;
    if (launching && this.pid === null)
      await withTimeout(launching, this.settings.initTimeoutMs, 'The launch being stopped').catch(() => {});
    const client = this.wa;
    const live = this.pid ? procfs.stat(this.pid) : null;
    const pid = live && live.start !== this.pidStart ? null : this.pid; // gone is fine; reused is not ours
    this.wa = null;
    this.calls = null;
    this.current = null;
    this.currentPage = null;
    this.pid = null;
    const before = snapshot(pid, this.marker); // helpers outlive a closed browser briefly, nameless
    if (client && !kill) {
      try {
        await withTimeout(client.destroy(), this.settings.destroyTimeoutMs, 'Closing the browser');
      } catch (err) {
        this.log.warn('browser did not close in time; killing it', { error: message(err) });
      }
    }
    // Always: whatever survived the close (or a crashed browser's helpers) goes now.
    await killTree(pid, { marker: this.marker, also: before, timeoutMs: this.settings.destroyTimeoutMs });
    clearStaleLock(this.dirs.profile);
  }
}
