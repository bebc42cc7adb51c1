/**
 * The governor's record of what it did: each action logged with the megabytes before and after,
 * kept (the newest 20) for /api/server/memory, the last step for /health, and passed on to
 * `onAction` (metrics).
 */
import type { Logger } from '../log';
import type { GovernorStep, MemoryAction, MemorySample } from './types';

const RECENT = 20;

export class ActionLog {
  private readonly history: MemoryAction[] = [];
  private lastStep: MemoryAction | null = null;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly onAction?: (a: MemoryAction) => void,
  ) {}

  record(
    step: GovernorStep,
    before: MemorySample,
    after: MemorySample,
    session: string | undefined,
    detail: Record<string, unknown>,
  ): void {
    const a: MemoryAction = { step, at: new Date(this.now()).toISOString(), before_mb: before.totalMb, after_mb: after.totalMb };
    if (session) a.session = session;
    if (Object.keys(detail).length > 0) a.detail = detail;
    this.history.push(a);
    if (this.history.length > RECENT) this.history.shift();
    // Periodic collections would hide the last real step from /health every GC_INTERVAL_MS.
    if (step !== 'gc') this.lastStep = a;
    this.onAction?.(a);
    const fields = {
      ...a,
      freed_mb: Math.round((before.totalMb - after.totalMb) * 10) / 10,
      percent: after.percent,
      limit_mb: after.limitMb,
    };
    const msg = `memory governor: ${step}`;
    if (step === 'gc') this.log.debug(msg, fields);
    else if (step === 'cleanup' || step === 'aggressive' || step === 'heap') this.log.info(msg, fields);
    else if (step === 'exit') this.log.error(msg, fields);
    else this.log.warn(msg, fields);
  }

  /** The last step (not a periodic collection), in /health's shape. */
  last(): { step: string; at: string; before_mb: number; after_mb: number } | null {
    const a = this.lastStep;
    return a && { step: a.step, at: a.at, before_mb: a.before_mb, after_mb: a.after_mb };
  }

  /** Newest first. */
  recent(): MemoryAction[] {
    return [...this.history].reverse();
  }
}

/** Where the memory is, for the warning line. */
export function breakdown(s: MemorySample): Record<string, unknown> {
  return {
    service_mb: s.service.privateMb ?? s.service.rssMb,
    heap_mb: s.service.heapMb,
    browsers: Object.fromEntries(s.browsers.map((b) => [b.session, { private_mb: b.privateMb, pss_mb: b.pssMb, processes: b.processes }])),
    percent: s.percent,
    cgroup: s.cgroup,
  };
}
