/**
 * The durable webhook outbox. Every event is written to the store — one row per matching webhook
 * target, holding the exact body bytes every attempt will send — in one transaction, before
 * anything else happens with it. Rows leave only when delivered or exhausted (moved to the dead
 * letters), so a kill -9 loses nothing that was committed, and a dead receiver costs disk, not
 * memory: the dispatcher reads a small batch at a time.
 *
 * Writes are queued in publish order, so the rows of one target keep the order their events were
 * published in. An incoming message's `message` event records its id in the ledger in the same
 * transaction; an incoming message event whose id the ledger already holds (published by the
 * catch-up, or before a restart) is dropped there, so the two paths never deliver it twice.
 */
import type { Logger } from '../log';
import { isStaleLease, type Lease, StaleLeaseError } from '../store/fence';
import type { OutboxRow, OutboxStore } from '../store/types';
import type { BusEvent } from './bus';
import { buildEnvelope, type Envelope, type Environment, wantsEvent } from './envelope';
import { GLOBAL_SCOPE, settingsOf, type TargetSettings, type WebhookConfig } from './targets';

/** What a write committed: listeners (the dispatcher, the WebSocket hub) get it after the commit. */
export interface Written {
  envelope: Envelope;
  /** The serialized envelope, the same text every webhook receives. */
  json: string;
  targetIds: number[];
}

/** Counters since start, and what is waiting now (for /metrics). */
export interface OutboxStats {
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
  pending: number;
}

export interface OutboxOptions {
  store: OutboxStore;
  /** A session's `config.webhooks` (empty for an unknown session). */
  webhooksOf: (session: string) => readonly WebhookConfig[];
  /** The `WHATSAPP_HOOK_*` webhook, applied to every session. */
  global?: WebhookConfig | null;
  environment: () => Environment;
  now?: () => number;
  log: Logger;
  /**
   * In a cluster: the lease of the session on this node, which every write carries (null: not
   * held here, the event is refused). Absent: one node, nothing fenced. With it, the global
   * webhook gets one queue per session (`*:<session>`), each delivered by its session's owner.
   */
  leaseOf?: (session: string) => Lease | null;
}

const encoder = new TextEncoder();

/** An incoming message event: its id and time (s). */
function incomingMessage(e: BusEvent): { id: string; timestamp: number } | null {
  if (e.event !== 'message' && e.event !== 'message.any') return null;
  const p = e.payload as { id?: unknown; timestamp?: unknown; fromMe?: unknown } | null;
  if (!p || p.fromMe === true || typeof p.id !== 'string' || typeof p.timestamp !== 'number') return null;
  return { id: p.id, timestamp: p.timestamp };
}

export class WebhookOutbox {
  private readonly settingsById = new Map<number, TargetSettings>();
  private readonly listeners = new Set<(w: Written) => void>();
  private readonly counters = { delivered: 0, failedAttempts: 0, deadLettered: 0, pending: 0 };
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly opts: OutboxOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The outbox over its store, with the targets and the pending count loaded. */
  static async open(opts: OutboxOptions): Promise<WebhookOutbox> {
    const outbox = new WebhookOutbox(opts);
    await outbox.resync();
    return outbox;
  }

  /**
   * Queues the event's write (after every earlier one) and resolves with its envelope once it is
   * committed and the listeners have it; null when it was a duplicate of a published message.
   * Rejects when the store fails (logged: the event is not delivered).
   */
  publish(e: BusEvent): Promise<Envelope | null> {
    const run = this.queue.then(() => this.write(e));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Resolves once every write queued so far has settled. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private async write(e: BusEvent): Promise<Envelope | null> {
    const leaseOf = this.opts.leaseOf;
    const lease = leaseOf ? leaseOf(e.session) : null;
    if (leaseOf && !lease) {
      const err = new StaleLeaseError(e.session, null);
      this.opts.log.warn('event of a session this node does not hold: refused', { session: e.session, event: e.event });
      throw err;
    }
    const env = buildEnvelope(e, this.opts.environment());
    const json = JSON.stringify(env);
    // Target key: one ordered queue per (scope, url); the same URL twice in one config is one target.
    const targets = new Map<string, { key: string; settings: string }>();
    const add = (scope: string, w: WebhookConfig) => {
      const key = `${scope}\n${w.url}`;
      if (wantsEvent(w.events, e.event) && !targets.has(key)) targets.set(key, { key, settings: JSON.stringify(settingsOf(w)) });
    };
    if (this.opts.global) add(leaseOf ? `${GLOBAL_SCOPE}:${e.session}` : GLOBAL_SCOPE, this.opts.global);
    for (const w of this.opts.webhooksOf(e.session)) add(e.session, w);
    const incoming = incomingMessage(e);
    let targetIds: number[] = [];
    if (targets.size > 0 || incoming) {
      let written: number[] | null;
      try {
        written = await this.opts.store.write({
          eventId: env.id,
          event: env.event,
          session: env.session,
          timestamp: env.timestamp,
          body: encoder.encode(json),
          targets: [...targets.values()],
          record: incoming && e.event === 'message' ? { id: incoming.id, timestampSec: incoming.timestamp } : null,
          unlessPublished: incoming?.id ?? null,
          lease,
        });
      } catch (err) {
        if (isStaleLease(err)) {
          this.opts.log.warn('event refused: written under a lease that is no longer current', {
            session: e.session,
            event: e.event,
            id: env.id,
            epoch: lease?.epoch,
          });
          throw err;
        }
        this.opts.log.error('webhook outbox write failed; the event is not delivered', {
          session: e.session,
          event: e.event,
          id: env.id,
          error: err,
        });
        throw err;
      }
      if (written === null) return null;
      targetIds = written;
      for (const [i, t] of [...targets.values()].entries()) this.settingsById.set(targetIds[i]!, JSON.parse(t.settings));
      this.counters.pending += targetIds.length;
    }
    const out: Written = { envelope: env, json, targetIds };
    for (const fn of this.listeners) {
      try {
        fn(out);
      } catch (err) {
        this.opts.log.error('event listener failed', { id: env.id, error: err });
      }
    }
    return env;
  }

  /** Called after each committed publish (also when no webhook matched). Returns an unsubscribe. */
  onWritten(fn: (w: Written) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The first `limit` pending rows of a target, oldest first. */
  head(targetId: number, limit: number): Promise<OutboxRow[]> {
    return this.opts.store.head(targetId, limit);
  }

  targetsWithPending(): Promise<number[]> {
    return this.opts.store.targetsWithPending();
  }

  /** A target's delivery settings, as of the latest event written for it. */
  target(id: number): TargetSettings | undefined {
    return this.settingsById.get(id);
  }

  /** A 2xx came back: the row is done. */
  async markDelivered(seq: number): Promise<void> {
    if (await this.opts.store.remove(seq)) this.counters.pending--;
    this.counters.delivered++;
  }

  /** An attempt failed; the next one is not before `nextAt`. */
  async markFailed(seq: number, error: string, nextAt: number): Promise<void> {
    await this.opts.store.fail(seq, error, nextAt);
    this.counters.failedAttempts++;
  }

  /** An attempt failed and no retries are left: the row moves to the dead letters. */
  async deadLetter(row: OutboxRow, error: string): Promise<void> {
    const url = this.settingsById.get(row.targetId)?.url ?? '';
    await this.opts.store.bury(row.seq, url, error, this.now());
    this.counters.failedAttempts++;
    this.counters.deadLettered++;
    this.counters.pending--;
    this.opts.log.error('webhook delivery gave up; event moved to webhook_dead_letter', {
      url,
      session: row.session,
      event: row.event,
      id: row.eventId,
      attempts: row.attempts + 1,
      error,
    });
  }

  /** Rows were put back or targets deleted outside this class (a replay, a prune): re-read both. */
  async resync(): Promise<void> {
    this.settingsById.clear();
    for (const t of await this.opts.store.targets()) this.settingsById.set(t.id, JSON.parse(t.settings));
    this.counters.pending = await this.opts.store.pendingCount();
  }

  stats(): OutboxStats {
    return { ...this.counters };
  }
}
