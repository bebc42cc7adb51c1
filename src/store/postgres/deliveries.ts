/**
 * The webhook delivery routes' view of the PostgreSQL store: targets with their queues, dead
 * letters, replay (dead letter → outbox) and pruning of targets, over the tables of the
 * migration 'webhook outbox' — the same answers as the SQLite binding (sqlite/deliveries.ts).
 */
import type { DeadLetter, DeadLetterDetail, PrunedTarget, ReplayResult } from '../../modules/webhooks/model';
import { iso, parseEnvelope, parseSettings, splitKey } from '../rows';
import type { DeadLetterFilter, StoredTarget, WebhookDeliveries } from '../types';
import type { PostgresOutbox } from './outbox';
import type { Pool } from './pool';

/** A dead letter as selected: int8 columns come back as text. */
interface RawDead {
  seq: string;
  target_id: number;
  url: string;
  event_id: string;
  event: string;
  session: string;
  created_at: string;
  dead_at: string;
  attempts: number;
  last_error: string | null;
  size_bytes: number;
}

/** A target with its counts and its head row (all null without one), as selected. */
interface RawTarget {
  id: number;
  key: string;
  settings: string;
  pending: number;
  dead: number;
  seq: string | null;
  event_id: string;
  event: string;
  session: string;
  created_at: string;
  attempts: number;
  next_at: string;
  last_error: string | null;
}

const toDead = (r: RawDead): DeadLetter => ({
  ...r,
  seq: Number(r.seq),
  created_at: iso(Number(r.created_at)),
  dead_at: iso(Number(r.dead_at)),
});

/** WHERE clause with $n placeholders for a dead-letter filter; only the given parts, so the indexes apply. */
function where(f: DeadLetterFilter & { before?: number }): { sql: string; args: (string | number)[] } {
  const given: [string, string | number | undefined][] = [
    ['session', f.session],
    ['target_id', f.target],
    ['event', f.event],
  ];
  const used: [string, string | number][] = given.filter(([, v]) => v !== undefined).map(([c, v]) => [`${c} =`, v!]);
  if (f.before !== undefined) used.push(['seq <', f.before]);
  return {
    sql: used.length ? `WHERE ${used.map(([c], i) => `${c} $${i + 1}`).join(' AND ')}` : '',
    args: used.map(([, v]) => v),
  };
}

const DEAD_COLUMNS =
  'seq, target_id, url, event_id, event, session, created_at, dead_at, attempts, last_error, octet_length(body) AS size_bytes';

/** WebhookDeliveries on the PostgreSQL store. */
export class PostgresWebhookDeliveries implements WebhookDeliveries {
  constructor(
    private readonly pool: Pool,
    private readonly outbox: PostgresOutbox,
    private readonly now: () => number = Date.now,
  ) {}

  async targets(): Promise<StoredTarget[]> {
    const rows: RawTarget[] = await this.pool.query`SELECT t.id, t.key, t.settings,
        (SELECT count(*)::int FROM webhook_outbox o WHERE o.target_id = t.id) AS pending,
        (SELECT count(*)::int FROM webhook_dead_letter d WHERE d.target_id = t.id) AS dead,
        h.seq, h.event_id, h.event, h.session, h.created_at, h.attempts, h.next_at, h.last_error
      FROM webhook_targets t
      LEFT JOIN LATERAL (SELECT * FROM webhook_outbox o WHERE o.target_id = t.id ORDER BY seq LIMIT 1) h ON true
      ORDER BY t.id`;
    return rows.map(
      (r): StoredTarget => ({
        id: r.id,
        ...splitKey(r.key),
        settings: parseSettings(r.settings),
        pending: r.pending,
        head:
          r.seq === null
            ? null
            : {
                seq: Number(r.seq),
                event_id: r.event_id,
                event: r.event,
                session: r.session,
                created_at: iso(Number(r.created_at)),
                attempts: r.attempts,
                next_at: iso(Number(r.next_at)),
                last_error: r.last_error,
              },
        deadLetters: r.dead,
      }),
    );
  }

  async deadLetters(q: DeadLetterFilter & { before?: number; limit: number }): Promise<{ items: DeadLetter[]; total: number }> {
    const page = where(q);
    const all = where({ session: q.session, target: q.target, event: q.event });
    const items: RawDead[] = await this.pool.unsafe(
      `SELECT ${DEAD_COLUMNS} FROM webhook_dead_letter ${page.sql} ORDER BY seq DESC LIMIT $${page.args.length + 1}`,
      [...page.args, q.limit],
    );
    const [{ n }] = await this.pool.unsafe(`SELECT count(*)::int AS n FROM webhook_dead_letter ${all.sql}`, all.args);
    return { items: items.map(toDead), total: n };
  }

  async deadLetter(seq: number): Promise<DeadLetterDetail | null> {
    const [r] = await this.pool.unsafe(`SELECT ${DEAD_COLUMNS}, body FROM webhook_dead_letter WHERE seq = $1`, [seq]);
    if (!r) return null;
    const { body, ...rest } = r as RawDead & { body: Uint8Array };
    return { ...toDead(rest), envelope: parseEnvelope(body) };
  }

  async replay(which: { seqs: readonly number[] } | { filter: DeadLetterFilter }): Promise<ReplayResult> {
    return await this.pool.begin(async (tx) => {
      let seqs: number[];
      if ('seqs' in which) seqs = [...which.seqs].sort((a, b) => a - b);
      else {
        const f = where(which.filter);
        const rows: { seq: string }[] = await tx.unsafe(`SELECT seq FROM webhook_dead_letter ${f.sql} ORDER BY seq`, f.args);
        seqs = rows.map((r) => Number(r.seq));
      }
      const now = this.now();
      const replayed: number[] = [];
      const missing: number[] = [];
      const targets = new Set<number>();
      // One at a time, oldest first: each gets a new seq, behind what the target has pending.
      for (const seq of seqs) {
        const [moved] = await tx`WITH gone AS (DELETE FROM webhook_dead_letter WHERE seq = ${seq} RETURNING *)
          INSERT INTO webhook_outbox (target_id, event_id, event, session, body, created_at, attempts, next_at, last_error)
          SELECT target_id, event_id, event, session, body, created_at, 0, ${now}, NULL FROM gone RETURNING target_id`;
        if (!moved) {
          missing.push(seq);
          continue;
        }
        targets.add(moved.target_id);
        replayed.push(seq);
      }
      return { replayed, missing, targets: [...targets].sort((a, b) => a - b) };
    });
  }

  async prune(ids: readonly number[], withDeadLetters: boolean): Promise<PrunedTarget[]> {
    const pruned = await this.pool.begin(async (tx) => {
      const pruned: PrunedTarget[] = [];
      for (const id of ids) {
        // FOR UPDATE: of two prunes at once, the second waits and then finds the target gone.
        const [t] = await tx`SELECT key,
            (SELECT count(*)::int FROM webhook_outbox WHERE target_id = ${id}) AS pending,
            (SELECT count(*)::int FROM webhook_dead_letter WHERE target_id = ${id}) AS dead
          FROM webhook_targets WHERE id = ${id} FOR UPDATE`;
        if (!t || t.pending > 0 || (t.dead > 0 && !withDeadLetters)) continue;
        if (t.dead > 0) await tx`DELETE FROM webhook_dead_letter WHERE target_id = ${id}`;
        await tx`DELETE FROM webhook_targets WHERE id = ${id}`;
        pruned.push({ id, ...splitKey(t.key), dead_letters_removed: t.dead });
      }
      return pruned;
    });
    if (pruned.length) this.outbox.forgetTargets();
    return pruned;
  }
}
