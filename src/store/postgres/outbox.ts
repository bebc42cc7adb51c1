import type { EventWrite, OutboxRow, OutboxStore, TargetRow } from '../types';
import { holdLease } from './fence';
import type { PostgresLedger } from './ledger';
import type { Pool } from './pool';

interface RawOutboxRow {
  seq: string;
  target_id: number;
  event_id: string;
  event: string;
  session: string;
  body: Uint8Array<ArrayBuffer>;
  created_at: string;
  attempts: number;
  next_at: string;
}

const toRow = (r: RawOutboxRow): OutboxRow => ({
  seq: Number(r.seq),
  targetId: r.target_id,
  eventId: r.event_id,
  event: r.event,
  session: r.session,
  body: r.body,
  createdAt: Number(r.created_at),
  attempts: r.attempts,
  nextAt: Number(r.next_at),
});

/** The webhook_* tables: rows leave `webhook_outbox` when delivered (deleted) or exhausted (moved to `webhook_dead_letter`). */
export class PostgresOutbox implements OutboxStore {
  /** Target rows as last committed: an event for a known target with unchanged settings writes no target row. */
  private known = new Map<string, { id: number; settings: string }>();

  constructor(
    private readonly pool: Pool,
    private readonly ledger: PostgresLedger,
  ) {}

  /**
   * One transaction: the ledger entry (or the drop), the target rows that are new or changed,
   * and one outbox row per target. Under READ COMMITTED the ledger's unique key is what decides
   * a drop, so two writers of one message cannot both commit it.
   */
  async write(w: EventWrite): Promise<number[] | null> {
    const at = Date.now();
    const learned = new Map<string, { id: number; settings: string }>();
    const ids = await this.pool.begin(async (tx): Promise<number[] | null> => {
      learned.clear(); // a transaction run again after a lost connection starts over
      if (w.lease) await holdLease(tx, w.session, w.lease);
      const unless = w.unlessPublished ?? null;
      if (unless !== null && unless !== w.record?.id && (await this.ledger.hasIn(tx, w.session, unless))) return null;
      if (w.record) {
        const fresh = await this.ledger.record(tx, w.session, w.record.id, w.record.timestampSec, at);
        if (!fresh && w.record.id === unless) return null;
      }
      if (w.targets.length === 0) return [];
      const ids: number[] = [];
      for (const t of w.targets) {
        const hit = this.known.get(t.key);
        if (hit && hit.settings === t.settings) {
          ids.push(hit.id);
          continue;
        }
        const [row] = await tx`INSERT INTO webhook_targets (key, settings) VALUES (${t.key}, ${t.settings})
          ON CONFLICT (key) DO UPDATE SET settings = excluded.settings RETURNING id`;
        learned.set(t.key, { id: row.id, settings: t.settings });
        ids.push(row.id);
      }
      const rows = ids.map((id) => ({
        target_id: id,
        event_id: w.eventId,
        event: w.event,
        session: w.session,
        body: w.body,
        created_at: w.timestamp,
        next_at: w.timestamp,
      }));
      await tx`INSERT INTO webhook_outbox ${tx(rows)}`;
      return ids;
    });
    // Only what committed goes into the cache: a rolled-back target row is never remembered.
    for (const [key, v] of learned) this.known.set(key, v);
    return ids;
  }

  /** Target rows were deleted elsewhere (a prune): each is written again by its next event. */
  forgetTargets(): void {
    this.known = new Map();
  }

  async targets(): Promise<TargetRow[]> {
    const rows: TargetRow[] = await this.pool.query`SELECT id, key, settings FROM webhook_targets ORDER BY id`;
    return rows.map(({ id, key, settings }) => ({ id, key, settings }));
  }

  async pendingCount(): Promise<number> {
    const [{ n }] = await this.pool.query`SELECT count(*)::int AS n FROM webhook_outbox`;
    return n;
  }

  async targetsWithPending(): Promise<number[]> {
    const rows: { id: number }[] = await this.pool.query`SELECT DISTINCT target_id AS id FROM webhook_outbox`;
    return rows.map((r) => r.id);
  }

  async head(targetId: number, limit: number): Promise<OutboxRow[]> {
    const rows: RawOutboxRow[] = await this.pool.query`SELECT seq, target_id, event_id, event, session, body, created_at, attempts, next_at
      FROM webhook_outbox WHERE target_id = ${targetId} ORDER BY seq LIMIT ${limit}`;
    return rows.map(toRow);
  }

  async remove(seq: number): Promise<boolean> {
    const done = await this.pool.query`DELETE FROM webhook_outbox WHERE seq = ${seq} RETURNING seq`;
    return done.length > 0;
  }

  async fail(seq: number, error: string, nextAt: number): Promise<void> {
    await this.pool.query`UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ${nextAt}, last_error = ${error} WHERE seq = ${seq}`;
  }

  async bury(seq: number, url: string, error: string, at: number): Promise<void> {
    await this.pool.query`WITH gone AS (DELETE FROM webhook_outbox WHERE seq = ${seq} RETURNING *)
      INSERT INTO webhook_dead_letter (seq, target_id, url, event_id, event, session, body, created_at, attempts, last_error, dead_at)
      SELECT seq, target_id, ${url}, event_id, event, session, body, created_at, attempts + 1, ${error}, ${at} FROM gone`;
  }
}
