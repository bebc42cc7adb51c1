import type { Lease } from '../fence';
import type { LedgerStore } from '../types';
import { holdLease } from './fence';
import type { Pool, Query } from './pool';

const num = (v: string | null): number | null => (v === null ? null : Number(v));

/**
 * The `published_messages` table; a row with the empty id is a session's start mark (the first
 * time it was ready). `record` and `has` also run inside the outbox's write transaction.
 */
export class PostgresLedger implements LedgerStore {
  constructor(private readonly pool: Pool) {}

  /** Records a message; false when it was already there (the unique key decides, also between concurrent writers). */
  async record(sql: Query, session: string, id: string, timestampSec: number, at: number): Promise<boolean> {
    const rows = await sql`INSERT INTO published_messages (session, id, timestamp, recorded_at)
      VALUES (${session}, ${id}, ${Math.floor(timestampSec)}, ${at}) ON CONFLICT DO NOTHING RETURNING 1 AS x`;
    return rows.length > 0;
  }

  async hasIn(sql: Query, session: string, id: string): Promise<boolean> {
    const rows = await sql`SELECT 1 AS x FROM published_messages WHERE session = ${session} AND id = ${id}`;
    return rows.length > 0;
  }

  has(session: string, id: string): Promise<boolean> {
    return this.hasIn(this.pool.query, session, id);
  }

  async bounds(session: string): Promise<{ latest: number | null; floor: number | null }> {
    const [row] = await this.pool.query`SELECT max(timestamp) AS latest,
      (SELECT timestamp FROM published_messages WHERE session = ${session} AND id = '') AS floor
      FROM published_messages WHERE session = ${session}`;
    return { latest: num(row.latest), floor: num(row.floor) };
  }

  async mark(session: string, timestampSec: number, at: number, lease?: Lease | null): Promise<void> {
    if (!lease) {
      await this.record(this.pool.query, session, '', timestampSec, at);
      return;
    }
    await this.pool.begin(async (tx) => {
      await holdLease(tx, session, lease);
      await this.record(tx, session, '', timestampSec, at);
    });
  }

  async forget(session: string): Promise<void> {
    await this.pool.query`DELETE FROM published_messages WHERE session = ${session}`;
  }

  async prune(before: number, maxPerSession: number): Promise<void> {
    await this.pool.query`DELETE FROM published_messages WHERE recorded_at < ${before}`;
    // As the SQLite binding: a session over the cap keeps the rows at or after its
    // maxPerSession-th newest message time (one cut-off per session, found on the time index).
    await this.pool.query`WITH over_cap AS (
        SELECT session FROM published_messages GROUP BY session HAVING count(*) > ${maxPerSession}
      ), cut AS (
        SELECT o.session, (SELECT q.timestamp FROM published_messages q WHERE q.session = o.session
          ORDER BY q.timestamp DESC LIMIT 1 OFFSET ${maxPerSession - 1}) AS ts
        FROM over_cap o
      )
      DELETE FROM published_messages p USING cut WHERE p.session = cut.session AND p.timestamp < cut.ts`;
  }
}
