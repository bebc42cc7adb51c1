import type { Database, Statement } from 'bun:sqlite';
import type { LedgerStore } from '../types';

/** The `published_messages` table; a row with the empty id is a session's start mark (the first time it was ready). */
export class SqliteLedger implements LedgerStore {
  private readonly q: Record<'record' | 'has' | 'bounds' | 'forget' | 'pruneAge' | 'pruneCount' | 'sessions', Statement>;

  constructor(db: Database) {
    this.q = {
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

  /** Synchronous: called inside the outbox's write transaction. */
  recordNow(session: string, id: string, timestampSec: number, at: number): void {
    this.q.record.run(session, id, Math.floor(timestampSec), at);
  }

  hasNow(session: string, id: string): boolean {
    return this.q.has.get(session, id) !== null;
  }

  async has(session: string, id: string): Promise<boolean> {
    return this.hasNow(session, id);
  }

  async bounds(session: string): Promise<{ latest: number | null; floor: number | null }> {
    return this.q.bounds.get(session) as { latest: number | null; floor: number | null };
  }

  async mark(session: string, timestampSec: number, at: number): Promise<void> {
    this.recordNow(session, '', timestampSec, at);
  }

  async forget(session: string): Promise<void> {
    this.q.forget.run(session);
  }

  async prune(before: number, maxPerSession: number): Promise<void> {
    this.q.pruneAge.run(before);
    for (const { session, n } of this.q.sessions.all() as { session: string; n: number }[]) {
      if (n > maxPerSession) this.q.pruneCount.run(session, maxPerSession - 1);
    }
  }
}
