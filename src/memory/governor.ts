/**
 * MemoryGovernor: acts on each sample, deterministically (never on a random chance per request).
 *
 * Steps, relative to MEMORY_THRESHOLD_MB (total = service + every browser, private memory):
 *   70 % cleanup     Bun.gc(false); in each page the in-page trim (old messages of chats nobody
 *                    has open), a V8 collection and the HTTP cache dropped. Periodic: repeats
 *                    every cooldown (60 s) while usage stays ≥ 70 %
 *   80 % warning     one log line with the breakdown
 *   90 % aggressive  Bun.gc(true); the trim again, a critical memory-pressure signal to Chromium
 *  120 % recycle     the heaviest session's browser restarted (its profile keeps the login);
 *                    still ≥ 120 % once the recycle's cooldown has passed: exit(1) for the supervisor
 * One step per tick, the lowest that is due, so a jump to 125 % still goes cleanup → warning →
 * aggressive → recycle, the cheap steps first. Each step fires once per crossing, then is disarmed
 * until usage falls below its threshold minus `marginPct` (hysteresis). Cleanup, in addition,
 * repeats on its cooldown while usage stays ≥ 70 %: a busy session sits at 70–85 % and never falls
 * below 65 %, so a once-per-crossing cleanup ran once per soak and memory grew 8 % over 20,000
 * messages (BENCHMARKS.md, soak). A repeat runs only when no first run (nor the exit) is due.
 * Every step waits its cooldown between two runs, so the rate is bounded and nothing loops:
 * at most one cleanup a minute, however long usage stays in the band.
 *
 * Besides the steps: a session over its own `memoryLimitMb` is recycled alone ('budget'); a Bun
 * heap over MAX_HEAP_SIZE_MB gets a full collection ('heap'; Bun has no heap-cap flag); and every
 * GC_INTERVAL_MS a collection runs if the heap grew by 1 MB since the last one ('gc').
 * With `enabled: false` (MEMORY_GOVERNOR=false) it samples and never acts.
 */
import { type Clock, every, systemClock } from '../clock';
import type { Logger } from '../log';
import { ActionLog, breakdown } from './action-log';
import type { GovernedSession, MemoryAction, MemorySample } from './types';

type Cooled = 'cleanup' | 'warning' | 'aggressive' | 'recycle' | 'budget' | 'heap';

export interface GovernorOptions {
  enabled: boolean;
  /** MAX_HEAP_SIZE_MB. */
  maxHeapMb: number;
  /** GC_INTERVAL_MS; 0 = no periodic collection. */
  gcIntervalMs: number;
  /** Points of percent below a threshold at which its step re-arms (default 5). */
  marginPct?: number;
  /** Minimum time between two runs of a step, ms. */
  cooldownMs?: Partial<Record<Cooled, number>>;
}

export interface GovernorDeps {
  /** A fresh sample (production: MemorySampler.sample, a few ms). */
  sample(): MemorySample | Promise<MemorySample>;
  /**
   * An exact one (production: MemorySampler.measure, every smaps_rollup re-read off the event
   * loop). Used before acting on a sample with estimated processes, and after each step, so a
   * decision or a logged "after" never rests on raw counters. Default: `sample`.
   */
  measure?(): Promise<MemorySample>;
  /** Sessions with their page relief and per-session budget. */
  sessions(): GovernedSession[];
  /** `Bun.gc(full)`: false asks for a collection, true runs a blocking full one (~50 ms). */
  gc(full: boolean): void;
  /** Restart one session's browser, keeping its login (production: SessionManager.restart). */
  recycle(session: string): Promise<void>;
  /** Leave so the supervisor restarts the service (production: process.exit). */
  exit(code: number): void;
  log: Logger;
  clock?: Clock;
  /** Told about every action (metrics). */
  onAction?: (a: MemoryAction) => void;
}

/** `periodic`: repeats on its cooldown while usage stays at or above `pct`; otherwise once per crossing. */
const STEPS = [
  { step: 'cleanup', pct: 70, periodic: true },
  { step: 'warning', pct: 80, periodic: false },
  { step: 'aggressive', pct: 90, periodic: false },
  { step: 'recycle', pct: 120, periodic: false },
] as const;
type ThresholdStep = (typeof STEPS)[number]['step'];

export const DEFAULT_COOLDOWN_MS: Record<Cooled, number> = {
  cleanup: 60_000,
  warning: 60_000,
  aggressive: 120_000,
  // A restarted browser needs time to load WhatsApp Web before it is judged again.
  recycle: 180_000,
  budget: 180_000,
  heap: 30_000,
};
const GC_GROWTH_MB = 1;

export class MemoryGovernor {
  private readonly armed: Record<ThresholdStep, boolean> = { cleanup: true, warning: true, aggressive: true, recycle: true };
  private readonly budgetArmed = new Map<string, boolean>();
  private readonly lastAt = new Map<string, number>();
  private readonly actions: ActionLog;
  private heapAtGc = 0;
  private lastGcAt: number;
  private busy = false;
  private exited = false;
  private stopTimer: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly margin: number;
  private readonly cooldown: Record<Cooled, number>;

  constructor(
    private readonly opts: GovernorOptions,
    private readonly deps: GovernorDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.now = () => this.clock.now();
    this.margin = opts.marginPct ?? 5;
    this.cooldown = { ...DEFAULT_COOLDOWN_MS, ...opts.cooldownMs };
    this.lastGcAt = this.now();
    this.actions = new ActionLog(deps.log, this.now, deps.onAction);
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** The last step taken (periodic collections are in `recent()` only), for /health. */
  lastAction(): { step: string; at: string; before_mb: number; after_mb: number } | null {
    return this.actions.last();
  }

  /** The newest actions first, at most 20. */
  recent(): MemoryAction[] {
    return this.actions.recent();
  }

  /** Samples on a timer and acts on each sample. */
  start(intervalMs: number): void {
    this.stop();
    this.stopTimer = every(this.clock, intervalMs, () => void this.tick());
    if (!this.opts.enabled) this.deps.log.info('memory governor is off (MEMORY_GOVERNOR=false): sampling and reporting only');
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** One round: sample, then at most one threshold step plus budgets, heap ceiling, periodic GC. */
  async tick(): Promise<MemorySample | null> {
    if (this.busy || this.exited) return null;
    this.busy = true;
    try {
      let s = await this.deps.sample();
      if (!this.opts.enabled) return s;
      if (s.browsers.some((b) => b.estimated)) s = await this.precise();
      this.rearm(s);
      s = await this.budgets(s);
      s = await this.heapCeiling(s);
      s = await this.threshold(s);
      return await this.periodicGc(s);
    } catch (err) {
      this.deps.log.error('memory governor: a round failed', { error: err instanceof Error ? err.message : String(err) });
      return null;
    } finally {
      this.busy = false;
    }
  }

  private rearm(s: MemorySample): void {
    for (const { step, pct } of STEPS) if (s.percent < pct - this.margin) this.armed[step] = true;
    const limits = new Map(this.deps.sessions().map((x) => [x.session, x.memoryLimitMb]));
    for (const b of s.browsers) {
      const limit = limits.get(b.session);
      if (limit && b.privateMb < limit * (1 - this.margin / 100)) this.budgetArmed.set(b.session, true);
    }
  }

  private ready(key: string, cooled: Cooled): boolean {
    const at = this.lastAt.get(key);
    return at === undefined || this.now() - at >= this.cooldown[cooled];
  }

  private async threshold(s: MemorySample): Promise<MemorySample> {
    // A step's first run in a crossing goes before a periodic repeat, so the repeat can never
    // hold back the warning, aggressive step or exit, whatever the sample interval.
    let repeat: ThresholdStep | null = null;
    for (const { step, pct, periodic } of STEPS) {
      if (s.percent < pct) break;
      if (!this.ready(step, step)) continue;
      if (this.armed[step]) {
        this.armed[step] = false;
        return this.run(step, s);
      }
      if (periodic) repeat ??= step;
    }
    if (s.percent >= 120 && !this.armed.recycle && this.ready('recycle', 'recycle')) {
      this.exited = true;
      this.stop();
      this.actions.record('exit', s, s, undefined, { reason: 'still at or above 120 % after a recycle and its cooldown' });
      this.deps.exit(1);
      return s;
    }
    return repeat ? this.run(repeat, s) : s;
  }

  private async run(step: ThresholdStep, before: MemorySample): Promise<MemorySample> {
    this.lastAt.set(step, this.now());
    const pages = this.deps.sessions().filter((x) => x.relieve !== null);
    const detail: Record<string, unknown> = {};
    if (step === 'warning') {
      this.actions.record('warning', before, before, undefined, breakdown(before));
      return before;
    }
    let session: string | undefined;
    if (step === 'cleanup' || step === 'aggressive') {
      this.deps.gc(step === 'aggressive');
      for (const x of pages) detail[x.session] = await relieveSafely(x, step);
    } else {
      session = [...before.browsers].sort((a, b) => b.privateMb - a.privateMb)[0]?.session;
      if (session) await this.recycle(session, detail);
      else detail.reason = 'no browser to recycle';
    }
    const after = await this.precise();
    if (step !== 'recycle') this.gcDone(after);
    this.actions.record(step, before, after, session, detail);
    return after;
  }

  private async budgets(s: MemorySample): Promise<MemorySample> {
    const limits = new Map(this.deps.sessions().map((x) => [x.session, x.memoryLimitMb]));
    for (const b of s.browsers) {
      const limit = limits.get(b.session);
      const key = `budget:${b.session}`;
      if (!limit || b.privateMb <= limit || this.budgetArmed.get(b.session) === false || !this.ready(key, 'budget')) continue;
      this.budgetArmed.set(b.session, false);
      this.lastAt.set(key, this.now());
      const detail: Record<string, unknown> = { limit_mb: limit, browser_mb: b.privateMb };
      await this.recycle(b.session, detail);
      const after = await this.precise();
      this.actions.record('budget', s, after, b.session, detail);
      s = after;
    }
    return s;
  }

  private async heapCeiling(s: MemorySample): Promise<MemorySample> {
    if (s.service.heapMb <= this.opts.maxHeapMb || !this.ready('heap', 'heap')) return s;
    this.lastAt.set('heap', this.now());
    this.deps.gc(true);
    const after = await this.deps.sample();
    this.gcDone(after);
    this.actions.record('heap', s, after, undefined, {
      heap_before_mb: s.service.heapMb,
      heap_after_mb: after.service.heapMb,
      max_heap_mb: this.opts.maxHeapMb,
    });
    if (after.service.heapMb > this.opts.maxHeapMb)
      this.deps.log.warn('memory governor: Bun heap still above MAX_HEAP_SIZE_MB after a full collection: live objects, not garbage', {
        heap_mb: after.service.heapMb,
        max_heap_mb: this.opts.maxHeapMb,
      });
    return after;
  }

  private async periodicGc(s: MemorySample): Promise<MemorySample> {
    if (this.opts.gcIntervalMs <= 0 || this.now() - this.lastGcAt < this.opts.gcIntervalMs) return s;
    if (s.service.heapMb < this.heapAtGc + GC_GROWTH_MB) return s;
    this.deps.gc(false);
    const after = await this.deps.sample();
    this.gcDone(after);
    this.actions.record('gc', s, after, undefined, { heap_before_mb: s.service.heapMb, heap_after_mb: after.service.heapMb });
    return after;
  }

  private async precise(): Promise<MemorySample> {
    return this.deps.measure ? this.deps.measure() : this.deps.sample();
  }

  private gcDone(after: MemorySample): void {
    this.lastGcAt = this.now();
    this.heapAtGc = after.service.heapMb;
  }

  private async recycle(session: string, detail: Record<string, unknown>): Promise<void> {
    try {
      await this.deps.recycle(session);
    } catch (err) {
      detail.error = err instanceof Error ? err.message : String(err);
    }
  }
}

/** A page's relief; a failure is reported in the detail, never thrown (the other pages still get theirs). */
async function relieveSafely(x: GovernedSession, level: 'cleanup' | 'aggressive'): Promise<Record<string, unknown>> {
  try {
    return (await x.relieve?.(level)) ?? {};
  } catch (err) {
    return { errors: [err instanceof Error ? err.message : String(err)] };
  }
}
