/**
 * The lease statements (docs/cluster.md) on the shared PostgreSQL store. Every time compared is
 * the database's `now()`: no node's wall clock is ever compared with a stored time.
 */
import type { Lease } from '../store/fence';
import type { Pool } from '../store/postgres/pool';

/** A session's lease as another node sees it: who runs it and where to reach them. */
export interface Holder {
  owner: string | null;
  /** The lease has not expired (on the database clock). */
  live: boolean;
  /** The owner's WORKER_URL; null when it never registered. */
  url: string | null;
  /** Whether the session should run (a stopped session has no owner to wait for). */
  running: boolean;
  /** ms until the lease expires (0 when it has). */
  remainingMs: number;
}

/** A session row as the claim loop syncs it into a node that does not run it. */
export interface ClusterRow {
  name: string;
  config: string;
  running: boolean;
  owner: string | null;
  live: boolean;
  status: string | null;
}

const secs = (ms: number) => ms / 1000;

export class PostgresLeases {
  constructor(
    private readonly pool: Pool,
    readonly me: string,
    private readonly ttlMs: number,
  ) {}

  /** This node is alive, reachable at `url`, with room for `capacity` sessions (one row per node, stamped on the database clock). */
  async heartbeat(url: string, capacity: number): Promise<void> {
    await this.pool.query`INSERT INTO cluster_nodes (id, url, capacity, seen_at) VALUES (${this.me}, ${url}, ${capacity}, now())
      ON CONFLICT (id) DO UPDATE SET url = excluded.url, capacity = excluded.capacity, seen_at = now()`;
  }

  /**
   * Sessions that should run and have no live lease; how many live nodes (seen within one lease)
   * would take them before this one — those running fewer sessions than this node and with room —
   * and how many nodes that makes, this one included.
   */
  async backlog(mine: number): Promise<{ claimable: number; lighter: number; eligible: number }> {
    const [row] = await this.pool.query`WITH live AS (
        SELECT n.id, n.capacity, (SELECT count(*) FROM sessions s WHERE s.owner = n.id AND s.lease_expires_at > now()) AS held
        FROM cluster_nodes n WHERE n.seen_at > now() - make_interval(secs => ${secs(this.ttlMs)}) AND n.id <> ${this.me})
      SELECT (SELECT count(*)::int FROM sessions WHERE running AND (owner IS NULL OR lease_expires_at < now())) AS claimable,
        (SELECT count(*)::int FROM live WHERE held < ${mine} AND held < capacity) AS lighter,
        (SELECT count(*)::int FROM live WHERE held <= ${mine} AND held < capacity) + 1 AS eligible`;
    return { claimable: row.claimable, lighter: row.lighter, eligible: row.eligible };
  }

  /**
   * Claims up to `limit` free or expired sessions, the longest-expired first. `SKIP LOCKED`:
   * nodes claiming at once take different rows instead of waiting for each other.
   */
  async claim(limit: number): Promise<{ name: string; epoch: number }[]> {
    if (limit <= 0) return [];
    const rows: { name: string; epoch: string }[] = await this.pool.query`UPDATE sessions
      SET owner = ${this.me}, epoch = epoch + 1, lease_expires_at = now() + make_interval(secs => ${secs(this.ttlMs)})
      WHERE name IN (SELECT name FROM sessions
        WHERE running AND (owner IS NULL OR lease_expires_at < now())
        ORDER BY lease_expires_at NULLS FIRST, name LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING name, epoch`;
    return rows.map((r) => ({ name: r.name, epoch: Number(r.epoch) }));
  }

  /**
   * Claims one named session when it is free, expired, or already this node's (a new epoch), and
   * marks it as one that should run, in one statement: no other node's claim round can take it
   * between the two. Null when another node holds it.
   */
  async claimOne(name: string): Promise<number | null> {
    const rows: { epoch: string }[] = await this.pool.query`UPDATE sessions
      SET running = true, owner = ${this.me}, epoch = epoch + 1, lease_expires_at = now() + make_interval(secs => ${secs(this.ttlMs)})
      WHERE name = ${name} AND (owner IS NULL OR owner = ${this.me} OR lease_expires_at < now())
      RETURNING epoch`;
    return rows.length ? Number(rows[0]!.epoch) : null;
  }

  /**
   * Extends every unexpired lease of this node among `names`; what comes back is what it still
   * holds. A lease that has expired is never renewed: another node may be claiming it.
   */
  async renew(names: readonly string[]): Promise<{ name: string; epoch: number }[]> {
    if (names.length === 0) return [];
    const rows: { name: string; epoch: string }[] = await this.pool.query`UPDATE sessions
      SET lease_expires_at = now() + make_interval(secs => ${secs(this.ttlMs)})
      WHERE owner = ${this.me} AND lease_expires_at > now() AND name = ANY(string_to_array(${names.join(',')}, ','))
      RETURNING name, epoch`;
    return rows.map((r) => ({ name: r.name, epoch: Number(r.epoch) }));
  }

  /** The wake-up channel: per database, so the schema is in its name. */
  private async wakeChannel(): Promise<string> {
    const [{ schema }] = await this.pool.query`SELECT current_schema() AS schema`;
    return `wabun_wake:${schema}`.slice(0, 63);
  }

  /** Runs `fn` whenever a node released a lease (its NOTIFY); returns the unsubscribe. */
  async onWake(fn: () => void): Promise<() => Promise<void>> {
    const sub = await this.pool.sql.listen(await this.wakeChannel(), () => fn());
    return () => sub.unlisten();
  }

  /** Tells the other nodes that a lease was released, so they claim at once instead of at their next round. */
  async wake(): Promise<void> {
    await this.pool.query`SELECT pg_notify(${await this.wakeChannel()}, ${this.me})`;
  }

  /** Gives the lease up at once (a graceful stop): the other nodes may claim it at their next look. */
  async release(name: string, epoch: number): Promise<void> {
    await this.pool.query`UPDATE sessions SET owner = NULL, lease_expires_at = now()
      WHERE name = ${name} AND owner = ${this.me} AND epoch = ${epoch}`;
  }

  /** Records the session's status for the other nodes' lists; only while this lease is current. */
  async status(name: string, lease: Lease, status: string): Promise<void> {
    await this.pool.query`UPDATE sessions SET status = ${status}
      WHERE name = ${name} AND owner = ${lease.owner} AND epoch = ${lease.epoch}`;
  }

  async holder(name: string): Promise<Holder | null> {
    const rows: (Omit<Holder, 'remainingMs'> & { remaining: number | null })[] = await this.pool.query`
      SELECT s.owner, coalesce(s.lease_expires_at > now(), false) AS live, n.url, s.running,
        (extract(epoch FROM greatest(s.lease_expires_at - now(), interval '0')) * 1000)::int AS remaining
      FROM sessions s LEFT JOIN cluster_nodes n ON n.id = s.owner WHERE s.name = ${name}`;
    const r = rows[0];
    return r ? { owner: r.owner, live: r.live, url: r.url, running: r.running, remainingMs: r.remaining ?? 0 } : null;
  }

  /** Every session with its lease: what a node shows of the sessions it does not run. */
  async rows(): Promise<ClusterRow[]> {
    return await this.pool.query`SELECT name, config, running, owner,
      coalesce(lease_expires_at > now(), false) AS live, status FROM sessions ORDER BY created_at, name`;
  }
}
