/**
 * Memory over time: the last samples and the governor's actions, kept in memory so a chart
 * opened now shows the last hour (at the default 5 s interval) and actions that happened before
 * anyone looked. Bounded: `capacity` samples (about 150 bytes each plus 60 per browser) and
 * `actionCapacity` actions; nothing is written to disk. No HTTP here.
 */
import type { MemoryAction, MemorySample, MemorySource } from '../../memory/types';
import type { HistorySample, MemoryHistoryReport } from './model';

/** The governor's steps and where they start (src/memory/governor.ts). */
export const THRESHOLDS = [
  { percent: 70, step: 'cleanup' },
  { percent: 80, step: 'warning' },
  { percent: 90, step: 'aggressive' },
  { percent: 120, step: 'recycle' },
] as const;

export interface MemoryHistoryOptions {
  /** MEMORY_THRESHOLD_MB (each sample carries it too). */
  limitMb: number;
  /** MEMORY_SAMPLE_INTERVAL_MS. */
  intervalMs: number;
  /** Samples kept (default 720: an hour at 5 s). */
  capacity?: number;
  /** Actions kept (default 200). */
  actionCapacity?: number;
}

const round = (mb: number) => Math.round(mb * 10) / 10;

/** Ring buffers of samples and governor actions. */
export class MemoryHistory {
  private readonly samples: HistorySample[] = [];
  private readonly actions: MemoryAction[] = [];
  private limitMb: number;
  readonly capacity: number;
  private readonly actionCapacity: number;

  constructor(private readonly opts: MemoryHistoryOptions) {
    this.limitMb = opts.limitMb;
    this.capacity = opts.capacity ?? 720;
    this.actionCapacity = opts.actionCapacity ?? 200;
  }

  /** Keeps a sample; one that is not newer than the last kept is ignored (the same sample read twice). */
  record(s: MemorySample): void {
    const last = this.samples.at(-1);
    if (last && s.at <= last.at) return;
    this.limitMb = s.limitMb;
    this.samples.push({
      at: s.at,
      total_mb: round(s.totalMb),
      service_mb: round(s.service.privateMb ?? s.service.rssMb),
      heap_mb: round(s.service.heapMb),
      percent: round(s.percent),
      browsers: s.browsers.map((b) => ({ session: b.session, private_mb: round(b.privateMb), pss_mb: round(b.pssMb) })),
    });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /** Keeps a governor action (wired to the governor's onAction). */
  action(a: MemoryAction): void {
    this.actions.push(a);
    if (this.actions.length > this.actionCapacity) this.actions.splice(0, this.actions.length - this.actionCapacity);
  }

  /**
   * Records the source's latest sample every interval (the governor takes the samples; this
   * only reads the last one, so it costs no /proc read). Returns the stop function.
   */
  follow(source: MemorySource): () => void {
    const take = () => this.record(source.latest());
    take();
    const timer = setInterval(take, this.opts.intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /** Everything newer than `since` (ms), oldest first. */
  report(since = -1): MemoryHistoryReport {
    const limit = this.limitMb;
    return {
      limit_mb: limit,
      thresholds: THRESHOLDS.map((t) => ({ ...t, mb: round((limit * t.percent) / 100) })),
      interval_ms: this.opts.intervalMs,
      capacity: this.capacity,
      samples: this.samples.filter((s) => s.at > since),
      actions: this.actions.filter((a) => Date.parse(a.at) > since),
    };
  }
}
