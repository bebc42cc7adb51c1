/**
 * Which incoming messages already went out as a `message` event (issue 5, kill -9 must-show).
 * The outbox records a message in the same transaction as its event, so a row here means the
 * event was committed. whatsapp-web.js does not emit messages WhatsApp Web already holds when
 * it starts, so whatever the page received but a killed process never committed would be lost;
 * on each `ready` the session asks the engine for recent incoming messages and publishes the
 * ones missing here (SessionRuntime.catchUp). Bounded: rows older than `keepMs` and all but the
 * newest `maxPerSession` of a session are pruned.
 */
import type { Database, Statement } from 'bun:sqlite';

export interface PublishedOptions {
  /** Rows recorded longer ago than this are pruned (default 7 days). */
  keepMs?: number;
  /** At most this many rows per session are kept, the newest (default 50,000). */
  maxPerSession?: number;
  /** Prune every this many records (default 1,000). */
  pruneEvery?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** The store's `published_messages` table (migration 'published messages'). */
export class PublishedMessages {
  private readonly sql: Record<'record' | 'has' | 'bounds' | 'forget' | 'pruneAge' | 'pruneCount' | 'sessions', Statement>;
  private readonly keepMs: number;
  private readonly maxPerSession: number;
  private readonly pruneEvery: number;
  private readonly now: () => number;
  private sincePrune = 0;

  constructor(db: Database, opts: PublishedOptions = {}) {
    this.keepMs = opts.keepMs ?? 7 * DAY_MS;
    this.maxPerSession = opts.maxPerSession ?? 50_000;
    this.pruneEvery = opts.pruneEvery ?? 1000;
    this.now = opts.now ?? Date.now;
    this.sql = {
      record: db.prepare('INSERT OR IGNORE INTO published_messages (session, id, timestamp, recorded_at) VALUES (?, ?, ?, ?)'),
      has: db.prepare('SELECT 1 AS x FROM published_messages WHERE session = ? AND id = ?'),
      bounds: db.prepare(`SELECT max(timestamp) AS latest,
        (SELECT timestamp FROM published_messages WHERE session = ?1 AND id = '') AS floor FROM published_messages WHERE session = ?1`),
      forget: db.prepare('DELETE FROM published_messages WHERE session = ?'),
      pruneAge: db.prepare('DELETE FROM published_messages WHERE recorded_at < ?'),
      pruneCount: db.prepare(`DELETE FROM published_messages WHERE session = ?1 AND timestamp <
        (SELECT timestamp FROM published_messages WHERE session = ?1 ORDER BY timestamp DESC LIMIT 1 OFFSET ?2)`),
      sessions: db.prepare('SELECT session, count(*) AS n FROM published_messages GROUP BY session'),
    };
  }

  /** Records a committed `message` event; call inside the transaction that writes the event. */
  record(session: string, id: string, timestampSec: number): void {
    this.sql.record.run(session, id, Math.floor(timestampSec), this.now());
    if (++this.sincePrune >= this.pruneEvery) {
      this.sincePrune = 0;
      this.prune();
    }
  }

  has(session: string, id: string): boolean {
    return this.sql.has.get(session, id) !== null;
  }

  /**
   * From when (s) a session that is ready now should look for missed messages: `marginSec`
   * before its newest recorded message, but never before the first time it was ready (a start
   * mark, recorded then with the empty id), so history that came with the pairing is not
   * replayed. Null the first time: nothing to catch up on, the mark is set to `nowSec`.
   */
  catchUpSince(session: string, nowSec: number, marginSec: number): number | null {
    const { latest, floor } = this.sql.bounds.get(session) as { latest: number | null; floor: number | null };
    if (latest === null) {
      this.sql.record.run(session, '', Math.floor(nowSec), this.now());
      return null;
    }
    return Math.max(latest - marginSec, floor ?? -Infinity);
  }

  /** The session's account is gone (logout, deletion): a new pairing must not catch up on its history. */
  forget(session: string): void {
    this.sql.forget.run(session);
  }

  /** Drops rows past the retention period and beyond the per-session cap. */
  prune(): void {
    this.sql.pruneAge.run(this.now() - this.keepMs);
    for (const { session, n } of this.sql.sessions.all() as { session: string; n: number }[]) {
      if (n > this.maxPerSession) this.sql.pruneCount.run(session, this.maxPerSession - 1);
    }
  }
}
