/**
 * The durable webhook outbox (issue 5, item 5). Every event is written to SQLite — one row per
 * matching webhook target, holding the exact body bytes every attempt will send — in one
 * transaction, before anything else happens with it. Rows leave the table only when delivered
 * (deleted) or exhausted (moved to `webhook_dead_letter`), so a kill -9 loses nothing that was
 * committed, and a dead receiver costs disk, not memory: readers fetch a small batch at a time.
 * The tables are created by the store's migration 'webhook outbox' (src/store/migrations.ts).
 */
import type { Database, Statement } from 'bun:sqlite';
import type { Logger } from '../log';
import { buildEnvelope, type Envelope, type Environment, type EventInput, wantsEvent } from './envelope';
import type { PublishedMessages } from './published';
import { GLOBAL_SCOPE, settingsOf, type TargetSettings, type WebhookConfig } from './targets';

/** One pending delivery: an event for one target. */
export interface OutboxRow {
  seq: number;
  targetId: number;
  eventId: string;
  event: string;
  session: string;
  body: Uint8Array<ArrayBuffer>;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Not before this time (ms): the stored retry time, honoured after a restart. */
  nextAt: number;
}

/** What `publish` wrote: listeners (the dispatcher, the WebSocket hub) get it after the commit. */
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
  /** The store's database, migrated (it holds the webhook_* tables). */
  db: Database;
  /** A session's `config.webhooks` (empty for an unknown session). */
  webhooksOf: (session: string) => readonly WebhookConfig[];
  /** The `WHATSAPP_HOOK_*` webhook, applied to every session. */
  global?: WebhookConfig | null;
  environment: () => Environment;
  now?: () => number;
  log: Logger;
  /** Incoming messages whose `message` event was committed, recorded in the event's transaction. */
  published?: PublishedMessages | null;
}

const encoder = new TextEncoder();

/** An incoming message's id and time (s), as the `message` event carries them. */
interface IncomingRef {
  id: string;
  timestamp: number;
}

function incomingRef(e: EventInput): IncomingRef | null {
  if (e.event !== 'message') return null;
  const p = e.payload as { id?: unknown; timestamp?: unknown } | null;
  return p && typeof p.id === 'string' && typeof p.timestamp === 'number' ? { id: p.id, timestamp: p.timestamp } : null;
}

/** The outbox over the store's webhook_* tables: publish() writes, the dispatcher reads and settles rows. */
export class WebhookOutbox {
  private readonly db: Database;
  private readonly now: () => number;
  private readonly targets = new Map<string, { id: number; settings: string }>();
  private readonly settingsById = new Map<number, TargetSettings>();
  private readonly listeners = new Set<(w: Written) => void>();
  private readonly counters = { delivered: 0, failedAttempts: 0, deadLettered: 0, pending: 0 };
  private readonly sql: Record<'upsertTarget' | 'insert' | 'head' | 'anyFor' | 'remove' | 'fail' | 'bury', Statement>;
  private readonly writeRows: (
    env: Envelope,
    body: Uint8Array,
    targets: Iterable<[key: string, settings: string]>,
    message: IncomingRef | null,
  ) => number[];

  constructor(private readonly opts: OutboxOptions) {
    this.db = opts.db;
    this.now = opts.now ?? Date.now;
    this.loadTargets();
    this.counters.pending = this.db.query<{ n: number }, []>('SELECT count(*) AS n FROM webhook_outbox').get()!.n;
    this.sql = {
      upsertTarget: this.db.prepare(
        'INSERT INTO webhook_targets (key, settings) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET settings = excluded.settings RETURNING id',
      ),
      insert: this.db.prepare(
        'INSERT INTO webhook_outbox (target_id, event_id, event, session, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      head: this.db.prepare(`SELECT seq, target_id AS targetId, event_id AS eventId, event, session, body, created_at AS createdAt, attempts, next_at AS nextAt
        FROM webhook_outbox WHERE target_id = ? ORDER BY seq LIMIT ?`),
      anyFor: this.db.prepare('SELECT 1 AS x FROM webhook_outbox WHERE target_id = ? LIMIT 1'),
      remove: this.db.prepare('DELETE FROM webhook_outbox WHERE seq = ?'),
      fail: this.db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?'),
      bury: this.db.prepare(`INSERT INTO webhook_dead_letter (seq, target_id, url, event_id, event, session, body, created_at, attempts, last_error, dead_at)
        SELECT seq, target_id, ?, event_id, event, session, body, created_at, attempts + 1, ?, ? FROM webhook_outbox WHERE seq = ?`),
    };
    // One transaction per event: all of its rows are committed, or none.
    this.writeRows = this.db.transaction(
      (env: Envelope, body: Uint8Array, targets: Iterable<[string, string]>, message: IncomingRef | null) => {
        const ids: number[] = [];
        if (message) this.opts.published?.record(env.session, message.id, message.timestamp);
        for (const [key, settings] of targets) {
          const id = this.targetId(key, settings);
          this.sql.insert.run(id, env.id, env.event, env.session, body, env.timestamp, env.timestamp);
          ids.push(id);
        }
        return ids;
      },
    );
  }

  /**
   * Turns an event into its envelope and writes one row per matching target, committed before
   * this returns; then tells the listeners. Returns the envelope (its id is the delivery id).
   */
  publish(e: EventInput): Envelope {
    const env = buildEnvelope(e, this.opts.environment(), e.timestamp ?? this.now());
    const json = JSON.stringify(env);
    const body = encoder.encode(json);
    // Target key: one ordered queue per (scope, url); the same URL twice in one config is one target.
    const targets = new Map<string, string>();
    const add = (scope: string, w: WebhookConfig) => {
      const key = `${scope}\n${w.url}`;
      if (wantsEvent(w.events, e.event) && !targets.has(key)) targets.set(key, JSON.stringify(settingsOf(w)));
    };
    if (this.opts.global) add(GLOBAL_SCOPE, this.opts.global);
    for (const w of this.opts.webhooksOf(e.session)) add(e.session, w);
    let targetIds: number[] = [];
    const message = this.opts.published ? incomingRef(e) : null;
    if (targets.size > 0 || message) {
      try {
        targetIds = this.writeRows(env, body, targets, message);
      } catch (err) {
        this.loadTargets(); // the rollback may have undone a target row the cache already holds
        this.opts.log.error('webhook outbox write failed; the event is not delivered', {
          session: e.session,
          event: e.event,
          id: env.id,
          error: err,
        });
        throw err;
      }
      this.counters.pending += targetIds.length;
    }
    const written: Written = { envelope: env, json, targetIds };
    for (const fn of this.listeners) {
      try {
        fn(written);
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
  head(targetId: number, limit: number): OutboxRow[] {
    return this.sql.head.all(targetId, limit) as OutboxRow[];
  }

  /** Targets that have pending rows (checked per known target; there are few targets). */
  targetsWithPending(): number[] {
    return [...this.settingsById.keys()].filter((id) => this.sql.anyFor.get(id) !== null);
  }

  /** A target's delivery settings, as of the latest event written for it. */
  target(id: number): TargetSettings | undefined {
    return this.settingsById.get(id);
  }

  /** A 2xx came back: the row is done. */
  markDelivered(seq: number): void {
    if (this.sql.remove.run(seq).changes > 0) this.counters.pending--;
    this.counters.delivered++;
  }

  /** An attempt failed; the next one is not before `nextAt`. */
  markFailed(seq: number, error: string, nextAt: number): void {
    this.sql.fail.run(nextAt, error, seq);
    this.counters.failedAttempts++;
  }

  /** An attempt failed and no retries are left: move the row to the dead-letter table. */
  deadLetter(row: OutboxRow, error: string): void {
    const url = this.settingsById.get(row.targetId)?.url ?? '';
    this.db.transaction(() => {
      this.sql.bury.run(url, error, this.now(), row.seq);
      this.sql.remove.run(row.seq);
    })();
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

  stats(): OutboxStats {
    return { ...this.counters };
  }

  /** Rows were put back or targets deleted outside this class (src/webhooks/deliveries.ts): re-read both. */
  resync(): void {
    this.loadTargets();
    this.counters.pending = this.db.query<{ n: number }, []>('SELECT count(*) AS n FROM webhook_outbox').get()!.n;
  }

  private loadTargets(): void {
    this.targets.clear();
    this.settingsById.clear();
    for (const t of this.db
      .query<{ id: number; key: string; settings: string }, []>('SELECT id, key, settings FROM webhook_targets')
      .all()) {
      this.targets.set(t.key, { id: t.id, settings: t.settings });
      this.settingsById.set(t.id, JSON.parse(t.settings));
    }
  }

  private targetId(key: string, settings: string): number {
    const known = this.targets.get(key);
    if (known && known.settings === settings) return known.id;
    const { id } = this.sql.upsertTarget.get(key, settings) as { id: number };
    this.targets.set(key, { id, settings });
    this.settingsById.set(id, JSON.parse(settings));
    return id;
  }
}
