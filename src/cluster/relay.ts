/**
 * `/ws` on any node carries every session's events: each node sends the envelopes of the
 * sessions it runs, once committed, to the other nodes over PostgreSQL `NOTIFY` (Bun's
 * `sql.listen`, which keeps its own connection and re-subscribes after a reconnect), and hands
 * those it receives to its own WebSocket clients. A `NOTIFY` payload is at most 8,000 bytes: a
 * larger envelope is put in `cluster_events` (kept a minute) and only its id is sent. Like the
 * WebSocket itself, this is live, not durable: a node that is away misses what was sent meanwhile.
 */
import type { SQL } from 'bun';
import type { Logger } from '../log';
import type { Pool } from '../store/postgres/pool';

/** Channels are per database, not per schema: the schema is in the name, so clusters in two schemas of one database stay apart. */
const channelOf = (schema: string) => `wabun_events:${schema}`.slice(0, 63);
/** Below PostgreSQL's 8,000-byte payload limit, with room for the wrapper. */
const MAX_INLINE = 7800;
const encoder = new TextEncoder();

interface Notice {
  /** The sending node. */
  f: string;
  s: string;
  e: string;
  /** The envelope JSON, or the `cluster_events` id holding it. */
  j?: string;
  id?: number;
}

export class EventRelay {
  private queue: Promise<unknown> = Promise.resolve();
  private subscription: SQL.ListenSubscription | null = null;
  private stored = 0;
  private channel = '';

  constructor(
    private readonly sql: SQL,
    private readonly pool: Pool,
    private readonly me: string,
    private readonly log: Logger,
  ) {}

  /** Starts receiving: `deliver` gets each envelope another node sent. */
  async start(deliver: (e: { session: string; event: string }, json: string) => void): Promise<void> {
    const [{ schema }] = await this.pool.query`SELECT current_schema() AS schema`;
    this.channel = channelOf(schema);
    this.subscription = await this.sql.listen(this.channel, (payload) => {
      void this.receive(payload, deliver).catch((err) =>
        this.log.warn('cluster event not relayed', { error: err instanceof Error ? err.message : String(err) }),
      );
    });
  }

  /** Sends an envelope of a session this node runs to the other nodes, in order. */
  send(e: { session: string; event: string }, json: string): void {
    if (!this.channel) return; // not started (or its start failed): nobody is told
    const run = this.queue.then(async () => {
      const base = { f: this.me, s: e.session, e: e.event };
      let notice: Notice;
      if (encoder.encode(json).byteLength <= MAX_INLINE) notice = { ...base, j: json };
      else {
        const [row] = await this.pool.query`INSERT INTO cluster_events (body) VALUES (${json}) RETURNING id`;
        notice = { ...base, id: Number(row.id) };
        if (++this.stored % 100 === 0) await this.pool.query`DELETE FROM cluster_events WHERE at < now() - interval '1 minute'`;
      }
      await this.pool.query`SELECT pg_notify(${this.channel}, ${JSON.stringify(notice)})`;
    });
    this.queue = run.catch((err) => this.log.warn('cluster event not sent', { session: e.session, event: e.event, error: err }));
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.subscription?.unlisten().catch(() => {});
    this.subscription = null;
  }

  private async receive(payload: string, deliver: (e: { session: string; event: string }, json: string) => void): Promise<void> {
    const n = JSON.parse(payload) as Notice;
    if (n.f === this.me) return;
    let json = n.j;
    if (json === undefined && n.id !== undefined) {
      const rows: { body: string }[] = await this.pool.query`SELECT body FROM cluster_events WHERE id = ${n.id}`;
      json = rows[0]?.body;
    }
    if (json !== undefined) deliver({ session: n.s, event: n.e }, json);
  }
}
