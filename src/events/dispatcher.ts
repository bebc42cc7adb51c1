/**
 * Sends the outbox's rows to their webhooks. Each target delivers its rows strictly in order,
 * one request at a time: a failing row waits for its retry and holds back the rows behind it on
 * that target only (other targets proceed). Total in-flight requests are bounded.
 */
import { createHmac } from 'node:crypto';
import { type Clock, systemClock, type TimerHandle } from '../clock';
import type { Logger } from '../log';
import type { OutboundPolicy } from '../net/policy';
import type { OutboxRow } from '../store/types';
import type { WebhookOutbox } from './outbox';
import type { RetryPolicy, TargetSettings } from './targets';

/** Longest single wait: `exponential` with 15+ retries would otherwise wait for days. */
const MAX_DELAY_MS = 3_600_000;

/**
 * Delay before retry number `retry` (1-based): constant d, d, d; linear d, 2d, 3d;
 * exponential d, 2d, 4d… with ±20 % jitter. Capped at one hour.
 */
export function retryDelayMs(policy: RetryPolicy, delaySeconds: number, retry: number, random: () => number = Math.random): number {
  const d = delaySeconds * 1000;
  if (policy === 'constant') return Math.min(d, MAX_DELAY_MS);
  if (policy === 'linear') return Math.min(d * retry, MAX_DELAY_MS);
  const base = Math.min(d * 2 ** Math.min(retry - 1, 30), MAX_DELAY_MS);
  return Math.round(base * (1 + (random() * 2 - 1) * 0.2));
}

/** The outcome of one POST, for logs, tests and metrics. */
export interface Attempt {
  targetId: number;
  session: string;
  url: string;
  seq: number;
  eventId: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  /** Retry time when the row will be tried again; null when delivered or dead-lettered. */
  nextAt: number | null;
  dead: boolean;
}

export interface DispatcherOptions {
  outbox: WebhookOutbox;
  /** WEBHOOK_TIMEOUT_MS: no answer within this is a failed attempt. */
  timeoutMs: number;
  /** Requests in flight across all targets (one per target at most). */
  concurrency?: number;
  /** Rows read per target at a time. */
  batchSize?: number;
  clock?: Clock;
  random?: () => number;
  /** Where webhooks may go (WEBHOOK_DENY); absent: anywhere. */
  policy?: OutboundPolicy;
  log: Logger;
  onAttempt?: (a: Attempt) => void;
  /** In a cluster: whether this node delivers a session's rows (it holds the session's lease). Absent: all. */
  delivers?: (session: string) => boolean;
}

interface TargetState {
  running: boolean;
  timer: TimerHandle | null;
  /** New rows came while the loop was running: it may have read the table before them. */
  again: boolean;
}
interface PostResult {
  status: number | null;
  error: string | null;
  stopped?: boolean;
}

const STOPPING = new Error('dispatcher stopping');

/** Delivers pending outbox rows: in order per target, one request in flight per target, bounded in total. */
export class WebhookDispatcher {
  private readonly clock: Clock;
  private readonly states = new Map<number, TargetState>();
  private readonly runs = new Set<Promise<void>>();
  private readonly inFlight = new Set<AbortController>();
  private readonly waiters: (() => void)[] = [];
  private active = 0;
  private stopping = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly opts: DispatcherOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Picks up rows left pending by an earlier run, then follows new writes. */
  start(): void {
    this.stopping = false;
    this.unsubscribe = this.opts.outbox.onWritten((w) => {
      for (const id of w.targetIds) this.kick(id);
    });
    this.rescan();
  }

  /** Looks for targets with pending rows (in a cluster: after claiming sessions whose rows another node left). */
  rescan(): void {
    if (this.stopping) return;
    void this.opts.outbox.targetsWithPending().then(
      (ids) => {
        for (const id of ids) this.kick(id);
      },
      (err) => this.opts.log.error('webhook outbox unreadable; pending rows wait for the next event', { error: err }),
    );
  }

  /**
   * Graceful stop: no new attempts; in-flight requests may finish until `deadlineMs`, then are
   * aborted. Unfinished rows stay pending for the next start.
   */
  async stop(deadlineMs = 5000): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const s of this.states.values()) if (s.timer !== null) this.clock.clearTimeout(s.timer);
    this.states.clear();
    for (const wake of this.waiters.splice(0)) {
      this.active++;
      wake();
    } // each sees `stopping` and releases
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    await Promise.race([Promise.all(this.runs), deadline]);
    clearTimeout(timer);
    for (const c of this.inFlight) c.abort(STOPPING);
    await Promise.all(this.runs);
  }

  /** Rows were put back into the outbox for a target (a replay): deliver them unless its loop is already on it. */
  requeued(targetId: number): void {
    this.kick(targetId);
  }

  /** New rows (or a due retry) for a target: start its loop unless it is running or waiting. */
  private kick(targetId: number): void {
    if (this.stopping) return;
    let state = this.states.get(targetId);
    if (!state) this.states.set(targetId, (state = { running: false, timer: null, again: false }));
    if (state.running) {
      state.again = true;
      return;
    }
    if (state.timer !== null) return;
    state.running = true;
    state.again = false;
    const run = this.drain(targetId, state)
      .catch((err) => {
        // A store error (disk full, locked): log it and try this target again later.
        this.opts.log.error('webhook delivery loop failed; retrying in 5 s', { targetId, error: err });
        this.wake(targetId, state, 5000);
      })
      .finally(() => {
        state.running = false;
        this.runs.delete(run);
        if (state.again && state.timer === null) this.kick(targetId);
        else if (state.timer === null && this.states.get(targetId) === state) this.states.delete(targetId);
      });
    this.runs.add(run);
  }

  private async drain(targetId: number, state: TargetState): Promise<void> {
    const batch = this.opts.batchSize ?? 16;
    while (!this.stopping) {
      const rows = await this.opts.outbox.head(targetId, batch);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.stopping) return;
        // Another node's session (each target's queue is one session's in a cluster): its owner delivers it.
        if (this.opts.delivers && !this.opts.delivers(row.session)) return;
        const wait = row.nextAt - this.clock.now();
        if (wait > 0) return this.wake(targetId, state, wait);
        const retryAt = await this.attempt(targetId, row);
        if (retryAt === 'stopped') return;
        // The head row failed and will be retried: rows behind it wait (order per target).
        if (retryAt !== null) return this.wake(targetId, state, retryAt - this.clock.now());
      }
    }
  }

  private wake(targetId: number, state: TargetState, ms: number): void {
    if (this.stopping) return;
    state.timer = this.clock.setTimeout(
      () => {
        state.timer = null;
        this.kick(targetId);
      },
      Math.min(Math.max(0, ms), MAX_DELAY_MS),
    ); // a stored time far ahead (clock stepped back) is re-checked hourly
  }

  /** One POST of one row; records the outcome. Returns the retry time, null when the row is done. */
  private async attempt(targetId: number, row: OutboxRow): Promise<number | null | 'stopped'> {
    const target = this.opts.outbox.target(targetId);
    if (!target) throw new Error(`webhook target ${targetId} has rows but no settings`);
    await this.acquire();
    let result: PostResult;
    try {
      if (this.stopping) return 'stopped';
      result = await this.post(target, row);
    } finally {
      this.release();
    }
    if (result.stopped) return 'stopped';
    const ok = result.error === null;
    const failures = row.attempts + 1;
    const dead = !ok && failures > target.attempts;
    const nextAt = ok || dead ? null : this.clock.now() + retryDelayMs(target.policy, target.delaySeconds, failures, this.opts.random);
    if (ok) await this.opts.outbox.markDelivered(row.seq);
    else if (dead) await this.opts.outbox.deadLetter(row, result.error!);
    else {
      await this.opts.outbox.markFailed(row.seq, result.error!, nextAt!);
      this.opts.log.warn('webhook delivery failed; will retry', {
        url: target.url,
        id: row.eventId,
        attempt: failures,
        error: result.error,
        retryInMs: nextAt! - this.clock.now(),
      });
    }
    this.opts.onAttempt?.({
      targetId,
      session: row.session,
      url: target.url,
      seq: row.seq,
      eventId: row.eventId,
      ok,
      status: result.status,
      error: result.error,
      nextAt,
      dead,
    });
    return nextAt;
  }

  private async post(target: TargetSettings, row: OutboxRow): Promise<PostResult> {
    const headers = new Headers(target.headers);
    // Ours last, so a custom header cannot fake the id or the signature.
    headers.set('Content-Type', 'application/json');
    headers.set('X-Webhook-Request-Id', row.eventId);
    headers.set('X-Webhook-Timestamp', String(this.clock.now()));
    if (target.hmacKey) {
      headers.set('X-Webhook-Hmac', createHmac('sha512', target.hmacKey).update(row.body).digest('hex'));
      headers.set('X-Webhook-Hmac-Algorithm', 'sha512');
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
    this.inFlight.add(controller);
    try {
      // Checked at every attempt: the name may resolve elsewhere since the event was written.
      const refused = await this.opts.policy?.refusal(target.url, controller.signal);
      if (refused) return { status: null, error: refused };
      const res = await fetch(target.url, { method: 'POST', headers, body: row.body, redirect: 'manual', signal: controller.signal });
      // Read a small answer so the connection can be reused; do not buffer a large one.
      if (Number(res.headers.get('content-length') ?? Infinity) <= 65536) await res.arrayBuffer();
      else await res.body?.cancel();
      return { status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      if (reason === STOPPING) return { status: null, error: null, stopped: true };
      return { status: null, error: reason instanceof Error ? reason.message : String(reason) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private async acquire(): Promise<void> {
    if (this.active < (this.opts.concurrency ?? 8)) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve)); // the releaser hands its slot over
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}
