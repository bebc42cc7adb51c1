/** A clock the test moves: timers fire, in time order, only when `advance` passes their time. */
import type { Clock, TimerHandle } from '../../src/clock';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<TimerHandle, Timer>();
  private readonly dueWaiters = new Set<{ within: number; resolve: () => void }>();
  /** Every delay asked for, in order (to check a schedule without firing it). */
  readonly delays: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {} as TimerHandle;
    this.delays.push(ms);
    this.timers.set(handle, { at: this.time + Math.max(0, ms), seq: this.seq++, fn });
    for (const w of this.dueWaiters)
      if (this.dueWithin(w.within)) {
        this.dueWaiters.delete(w);
        w.resolve();
      }
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  private dueWithin(ms: number): boolean {
    for (const t of this.timers.values()) if (t.at <= this.time + ms) return true;
    return false;
  }

  /**
   * Resolves once some timer falls due within `ms` of now — set by work still running on the
   * event loop (a reconnect scheduled after the browser is closed) — then moves time by `ms`.
   */
  async advanceWhenDue(ms: number): Promise<void> {
    if (!this.dueWithin(ms)) await new Promise<void>((resolve) => this.dueWaiters.add({ within: ms, resolve }));
    await this.advance(ms);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** The time of the next timer, or null. */
  next(): number | null {
    let min: number | null = null;
    for (const t of this.timers.values()) if (min === null || t.at < min) min = t.at;
    return min;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due (also those set by the timers
   * that fire), each at its own time, with the microtasks it queued settled before the next.
   */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      let due: [TimerHandle, Timer] | null = null;
      for (const entry of this.timers) {
        const t = entry[1];
        if (t.at > until) continue;
        if (!due || t.at < due[1].at || (t.at === due[1].at && t.seq < due[1].seq)) due = entry;
      }
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await settle();
    }
    this.time = until;
    await settle();
  }

  /** Moves to the next timer and fires it (and whatever falls due at that time). */
  async runNext(): Promise<void> {
    const at = this.next();
    if (at !== null) await this.advance(at - this.time);
  }
}

/** Lets queued promise callbacks run (a few rounds: chains of awaits). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
