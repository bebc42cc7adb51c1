/**
 * The webhook delivery routes' view of the store: targets with their queues, dead letters,
 * replay (dead letter → outbox) and pruning of targets, over the tables of the migration
 * 'webhook outbox'. The outbox and the dispatcher keep working on the same tables; after a
 * replay or a prune they are told to re-read (WebhookOutbox.resync, WebhookDispatcher.requeued),
 * and a prune makes the outbox binding forget its cached target ids.
 */
import type { Database, SQLQueryBindings, Statement } from 'bun:sqlite';
import type { DeadLetter, DeadLetterDetail, PrunedTarget, ReplayResult } from '../../modules/webhooks/model';
import { iso, parseEnvelope, parseSettings, splitKey } from '../rows';
import type { DeadLetterFilter, StoredTarget, WebhookDeliveries } from '../types';
import type { SqliteOutbox } from './outbox';

interface RawDead {
  seq: number;
  target_id: number;
  url: string;
  event_id: string;
  event: string;
  session: string;
  created_at: number;
  dead_at: number;
  attempts: number;
  last_error: string | null;
  size_bytes: number;
}

interface RawHead {
  seq: number;
  event_id: string;
  event: string;
  session: string;
  created_at: number;
  attempts: number;
  next_at: number;
  last_error: string | null;
}

const toDead = (r: RawDead): DeadLetter => ({ ...r, created_at: iso(r.created_at), dead_at: iso(r.dead_at) });

/** WHERE clause and bindings for a dead-letter filter; only the given parts, so the indexes apply. */
function where(f: DeadLetterFilter & { before?: number }): { sql: string; args: SQLQueryBindings[] } {
  const given: [string, SQLQueryBindings | undefined][] = [
    ['session = ?', f.session],
    ['target_id = ?', f.target],
    ['event = ?', f.event],
    ['seq < ?', f.before],
  ];
  const used = given.filter(([, v]) => v !== undefined);
  return { sql: used.length ? `WHERE ${used.map(([c]) => c).join(' AND ')}` : '', args: used.map(([, v]) => v!) };
}

const DEAD_COLUMNS = 'seq, target_id, url, event_id, event, session, created_at, dead_at, attempts, last_error, length(body) AS size_bytes';

/** WebhookDeliveries on the embedded SQLite store. */
export class SqliteWebhookDeliveries implements WebhookDeliveries {
  private readonly sql: Record<
    'targets' | 'pending' | 'head' | 'deadCount' | 'dead' | 'requeue' | 'unbury' | 'target' | 'dropTarget' | 'dropDead',
    Statement
  >;

  constructor(
    private readonly db: Database,
    private readonly outbox: SqliteOutbox,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = {
      targets: db.prepare('SELECT id, key, settings FROM webhook_targets ORDER BY id'),
      pending: db.prepare('SELECT target_id AS id, count(*) AS n FROM webhook_outbox GROUP BY target_id'),
      head: db.prepare(`SELECT seq, event_id, event, session, created_at, attempts, next_at, last_error
        FROM webhook_outbox WHERE target_id = ? ORDER BY seq LIMIT 1`),
      deadCount: db.prepare('SELECT target_id AS id, count(*) AS n FROM webhook_dead_letter GROUP BY target_id'),
      dead: db.prepare(`SELECT ${DEAD_COLUMNS}, body FROM webhook_dead_letter WHERE seq = ?`),
      // A new seq: the row goes behind whatever the target has pending now.
      requeue: db.prepare(`INSERT INTO webhook_outbox (target_id, event_id, event, session, body, created_at, attempts, next_at, last_error)
        SELECT target_id, event_id, event, session, body, created_at, 0, ?, NULL FROM webhook_dead_letter WHERE seq = ?`),
      unbury: db.prepare('DELETE FROM webhook_dead_letter WHERE seq = ? RETURNING target_id AS id'),
      target: db.prepare(`SELECT key,
        (SELECT count(*) FROM webhook_outbox WHERE target_id = ?1) AS pending,
        (SELECT count(*) FROM webhook_dead_letter WHERE target_id = ?1) AS dead
        FROM webhook_targets WHERE id = ?1`),
      dropTarget: db.prepare('DELETE FROM webhook_targets WHERE id = ?'),
      dropDead: db.prepare('DELETE FROM webhook_dead_letter WHERE target_id = ?'),
    };
  }

  async targets(): Promise<StoredTarget[]> {
    const counts = (s: Statement) => new Map((s.all() as { id: number; n: number }[]).map((r) => [r.id, r.n]));
    const pending = counts(this.sql.pending);
    const dead = counts(this.sql.deadCount);
    return (this.sql.targets.all() as { id: number; key: string; settings: string }[]).map((t): StoredTarget => {
      const n = pending.get(t.id) ?? 0;
      const head = n > 0 ? (this.sql.head.get(t.id) as RawHead | null) : null;
      return {
        id: t.id,
        ...splitKey(t.key),
        settings: parseSettings(t.settings),
        pending: n,
        head: head && { ...head, created_at: iso(head.created_at), next_at: iso(head.next_at) },
        deadLetters: dead.get(t.id) ?? 0,
      };
    });
  }

  async deadLetters(q: DeadLetterFilter & { before?: number; limit: number }): Promise<{ items: DeadLetter[]; total: number }> {
    const page = where(q);
    const all = where({ session: q.session, target: q.target, event: q.event });
    const items = this.db
      .query(`SELECT ${DEAD_COLUMNS} FROM webhook_dead_letter ${page.sql} ORDER BY seq DESC LIMIT ?`)
      .all(...page.args, q.limit) as RawDead[];
    const { n } = this.db.query(`SELECT count(*) AS n FROM webhook_dead_letter ${all.sql}`).get(...all.args) as { n: number };
    return { items: items.map(toDead), total: n };
  }

  async deadLetter(seq: number): Promise<DeadLetterDetail | null> {
    const r = this.sql.dead.get(seq) as (RawDead & { body: Uint8Array }) | null;
    if (!r) return null;
    const { body, ...rest } = r;
    return { ...toDead(rest), envelope: parseEnvelope(body) };
  }

  async replay(which: { seqs: readonly number[] } | { filter: DeadLetterFilter }): Promise<ReplayResult> {
    return this.db.transaction(() => {
      let seqs: number[];
      if ('seqs' in which) seqs = [...which.seqs].sort((a, b) => a - b);
      else {
        const f = where(which.filter);
        seqs = (this.db.query(`SELECT seq FROM webhook_dead_letter ${f.sql} ORDER BY seq`).all(...f.args) as { seq: number }[]).map(
          (r) => r.seq,
        );
      }
      const now = this.now();
      const replayed: number[] = [];
      const missing: number[] = [];
      const targets = new Set<number>();
      for (const seq of seqs) {
        if (this.sql.requeue.run(now, seq).changes === 0) {
          missing.push(seq);
          continue;
        }
        const gone = this.sql.unbury.get(seq) as { id: number };
        targets.add(gone.id);
        replayed.push(seq);
      }
      return { replayed, missing, targets: [...targets].sort((a, b) => a - b) };
    })();
  }

  async prune(ids: readonly number[], withDeadLetters: boolean): Promise<PrunedTarget[]> {
    const pruned = this.db.transaction(() => {
      const pruned: PrunedTarget[] = [];
      for (const id of ids) {
        const t = this.sql.target.get(id) as { key: string; pending: number; dead: number } | null;
        if (!t || t.pending > 0 || (t.dead > 0 && !withDeadLetters)) continue;
        if (t.dead > 0) this.sql.dropDead.run(id);
        this.sql.dropTarget.run(id);
        pruned.push({ id, ...splitKey(t.key), dead_letters_removed: t.dead });
      }
      return pruned;
    })();
    if (pruned.length) this.outbox.forgetTargets();
    return pruned;
  }
}
