import type { Database, Statement } from 'bun:sqlite';
import type { EventWrite, OutboxRow, OutboxStore, TargetRow } from '../types';
import type { SqliteLedger } from './ledger';

/** The webhook_* tables: rows leave `webhook_outbox` when delivered (deleted) or exhausted (moved to `webhook_dead_letter`). */
export class SqliteOutbox implements OutboxStore {
  private readonly q: Record<'upsertTarget' | 'insert' | 'head' | 'anyFor' | 'remove' | 'fail' | 'bury' | 'targets' | 'pending', Statement>;
  private readonly writeTx: (w: EventWrite, at: number) => number[] | null;
  /** Target rows as last written: an event for a known target with unchanged settings writes no target row. */
  private readonly known = new Map<string, { id: number; settings: string }>();
  private readonly buryTx: (seq: number, url: string, error: string, at: number) => void;

  constructor(
    db: Database,
    private readonly ledger: SqliteLedger,
  ) {
    this.q = {
      upsertTarget: db.prepare(
        'INSERT INTO webhook_targets (key, settings) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET settings = excluded.settings RETURNING id',
      ),
      insert: db.prepare(
        'INSERT INTO webhook_outbox (target_id, event_id, event, session, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      head: db.prepare(`SELECT seq, target_id AS targetId, event_id AS eventId, event, session, body, created_at AS createdAt, attempts, next_at AS nextAt
        FROM webhook_outbox WHERE target_id = ? ORDER BY seq LIMIT ?`),
      anyFor: db.prepare('SELECT DISTINCT target_id AS id FROM webhook_outbox'),
      remove: db.prepare('DELETE FROM webhook_outbox WHERE seq = ?'),
      fail: db.prepare('UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE seq = ?'),
      bury: db.prepare(`INSERT INTO webhook_dead_letter (seq, target_id, url, event_id, event, session, body, created_at, attempts, last_error, dead_at)
        SELECT seq, target_id, ?, event_id, event, session, body, created_at, attempts + 1, ?, ? FROM webhook_outbox WHERE seq = ?`),
      targets: db.prepare('SELECT id, key, settings FROM webhook_targets'),
      pending: db.prepare('SELECT count(*) AS n FROM webhook_outbox'),
    };
    this.writeTx = db.transaction((w: EventWrite, at: number) => {
      if (w.unlessPublished && this.ledger.hasNow(w.session, w.unlessPublished)) return null;
      if (w.record) this.ledger.recordNow(w.session, w.record.id, w.record.timestampSec, at);
      const ids: number[] = [];
      for (const t of w.targets) {
        const id = this.targetId(t.key, t.settings);
        this.q.insert.run(id, w.eventId, w.event, w.session, w.body, w.timestamp, w.timestamp);
        ids.push(id);
      }
      return ids;
    });
    for (const t of this.q.targets.all() as TargetRow[]) this.known.set(t.key, { id: t.id, settings: t.settings });
    this.buryTx = db.transaction((seq: number, url: string, error: string, at: number) => {
      this.q.bury.run(url, error, at, seq);
      this.q.remove.run(seq);
    });
  }

  async write(w: EventWrite): Promise<number[] | null> {
    try {
      return this.writeTx(w, Date.now());
    } catch (err) {
      this.forgetTargets(); // the rollback may have undone a target row the cache already holds
      throw err;
    }
  }

  /** Target rows were deleted elsewhere (a prune): read them again. */
  forgetTargets(): void {
    this.known.clear();
    for (const t of this.q.targets.all() as TargetRow[]) this.known.set(t.key, { id: t.id, settings: t.settings });
  }

  private targetId(key: string, settings: string): number {
    const hit = this.known.get(key);
    if (hit && hit.settings === settings) return hit.id;
    const { id } = this.q.upsertTarget.get(key, settings) as { id: number };
    this.known.set(key, { id, settings });
    return id;
  }

  async targets(): Promise<TargetRow[]> {
    return this.q.targets.all() as TargetRow[];
  }

  async pendingCount(): Promise<number> {
    return (this.q.pending.get() as { n: number }).n;
  }

  async targetsWithPending(): Promise<number[]> {
    return (this.q.anyFor.all() as { id: number }[]).map((r) => r.id);
  }

  async head(targetId: number, limit: number): Promise<OutboxRow[]> {
    return this.q.head.all(targetId, limit) as OutboxRow[];
  }

  async remove(seq: number): Promise<boolean> {
    return this.q.remove.run(seq).changes > 0;
  }

  async fail(seq: number, error: string, nextAt: number): Promise<void> {
    this.q.fail.run(nextAt, error, seq);
  }

  async bury(seq: number, url: string, error: string, at: number): Promise<void> {
    this.buryTx(seq, url, error, at);
  }
}
