/**
 * Bun's connection pool, with one thing added: a statement (or a whole transaction) that fails
 * because its pooled connection had died — the server restarted, or ended the connection — is
 * run again on another one. Bun drops a dead connection only when a query fails on it, so after
 * a server restart each connection of the pool fails one query (docs/postgres.md); without this,
 * an event written then would be lost. A statement sent again after a commit whose answer was
 * lost may commit twice: the outbox allows that (same event id, delivered at least once).
 */
import type { SQL } from 'bun';

/** Rows come from the server untyped (as from Bun's own client); each caller names its row type. */
// biome-ignore lint/suspicious/noExplicitAny: a row's shape is the statement's, known only at the call site.
type Rows = any[];

/** A tagged-template query: the pool's (with the retry) or a transaction's. */
export type Query = (strings: TemplateStringsArray, ...values: unknown[]) => PromiseLike<Rows>;

/** The connection died under the statement; the statement itself did nothing wrong. */
export function lostConnection(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown } | null;
  // 57P01 admin_shutdown (a fast stop, pg_terminate_backend), 57P02 crash_shutdown,
  // 25P03 idle_in_transaction_session_timeout (a fenced write paused mid-way: store/postgres/fence.ts).
  return err?.code === 'ERR_POSTGRES_CONNECTION_CLOSED' || ['57P01', '57P02', '25P03'].includes(String(err?.errno));
}

export class Pool {
  /** Each pooled connection may be dead once; one more try reaches a fresh connection. */
  private readonly attempts: number;
  /** Tagged-template statements, each retried on a lost connection. */
  readonly query: Query;

  constructor(
    readonly sql: SQL,
    size: number,
  ) {
    this.attempts = size + 1;
    this.query = (strings, ...values) => this.again(() => sql(strings, ...values));
  }

  /** `sql.unsafe` (a statement built at run time, with $n parameters), retried on a lost connection. */
  unsafe(text: string, params: unknown[] = []): Promise<Rows> {
    return this.again(() => this.sql.unsafe(text, params));
  }

  /** A transaction; `fn` runs again from the start when the connection is lost before it committed. */
  begin<T>(fn: (tx: SQL) => Promise<T>): Promise<T> {
    return this.again(() => this.sql.begin((tx) => fn(tx)) as Promise<T>);
  }

  close(): Promise<void> {
    return this.sql.close({ timeout: 5 });
  }

  private async again<T>(run: () => PromiseLike<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        if (attempt >= this.attempts || !lostConnection(e)) throw e;
      }
    }
  }
}
