/**
 * One node of a cluster (docs/cluster.md): it claims sessions that should run and have no live
 * lease, up to its capacity and its fair share; renews its leases on the database's clock; and
 * stops a session's browser as soon as it can no longer be sure it still holds the lease — by
 * its own monotonic clock, before the database can hand the session to another node. A graceful
 * stop saves each login profile and releases each lease at once.
 */
import { join } from 'node:path';
import type { Logger } from '../log';
import { isStaleLease, type Lease } from '../store/fence';
import type { ClusterRow, Holder, PostgresLeases } from './leases';
import { type ProfileStore, packProfile, unpackProfile } from './profiles';

/** What the node needs of the session manager. */
export interface ClusterSessions {
  /** Starts a session this node has just claimed (its profile already restored). */
  runClaimed(name: string): Promise<void>;
  /** The lease is gone: the browser is stopped at once, nothing is written. */
  lost(name: string): Promise<void>;
  /** The stored sessions, for those this node does not run (listed with their owner). */
  sync(rows: readonly ClusterRow[]): void;
  /** Sessions with a browser here, and the most there may be (MAX_RUNNING_SESSIONS). */
  capacity(): { active: number; max: number };
  /** `<dataDir>` of a session. */
  dataDir(name: string): string;
  /** Whether the session is WORKING here (its login is worth saving). */
  working(name: string): boolean;
}

export interface ClusterOptions {
  leases: PostgresLeases;
  profiles: ProfileStore;
  log: Logger;
  ttlMs: number;
  renewMs: number;
  claimMs: number;
  /** 0: saved only after pairing and at a graceful stop. */
  profileIntervalMs: number;
  profileMaxBytes: number;
  /** WORKER_URL, known once the server listens. */
  url: () => string;
  /** New sessions of this node: their webhook rows left by a previous owner are delivered now. */
  onClaimed?: () => void;
  /** Resolves once the events published so far are committed: a lease is released only after them. */
  settle?: () => Promise<void>;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
}

/** After WORKING, the first save waits this long: Chromium writes Local Storage to disk in batches, seconds apart. */
export const FIRST_SAVE_DELAY_MS = 10_000;

interface Held {
  epoch: number;
  /** Monotonic ms until which the lease is certainly still ours (the renewal was sent before the database stamped it). */
  trustedUntil: number;
  saveTimer: Timer | null;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class ClusterNode {
  readonly me: string;
  private readonly held = new Map<string, Held>();
  private remote = new Map<string, ClusterRow>();
  private sessions: ClusterSessions | null = null;
  private timers: Timer[] = [];
  private unlistenWake: (() => Promise<void>) | null = null;
  private claiming = false;
  private stopped = false;
  private readonly now: () => number;
  /** Covers the stop itself and the rate drift between this clock and the database's. */
  private readonly margin: number;

  constructor(private readonly o: ClusterOptions) {
    this.me = o.leases.me;
    this.now = o.now ?? (() => performance.now());
    this.margin = Math.min(3000, o.ttlMs / 5);
  }

  bind(sessions: ClusterSessions): void {
    this.sessions = sessions;
  }

  /** The lease a write of `session` is made under; null when this node does not hold it (the write is refused). */
  leaseOf(session: string): Lease | null {
    const h = this.held.get(session);
    return h ? { owner: this.me, epoch: h.epoch } : null;
  }

  holds(session: string): boolean {
    return this.held.has(session);
  }

  /** The stored view of a session another node runs (owner, status), as of the last claim round. */
  rowOf(session: string): ClusterRow | undefined {
    return this.remote.get(session);
  }

  /** Who holds a session's lease now (asked of the database: the edge forwards by it). */
  holder(session: string): Promise<Holder | null> {
    return this.o.leases.holder(session);
  }

  start(): void {
    this.stopped = false;
    const every = (ms: number, fn: () => Promise<void>) => {
      let busy = false;
      this.timers.push(
        setInterval(() => {
          if (busy || this.stopped) return;
          busy = true;
          fn()
            .catch((err) => this.o.log.warn('cluster round failed', { error: messageOf(err) }))
            .finally(() => {
              busy = false;
            });
        }, ms),
      );
    };
    every(this.o.renewMs, () => this.renew());
    every(this.o.claimMs, () => this.claimRound());
    every(Math.max(100, Math.min(1000, this.margin / 2)), async () => this.checkDeadlines());
    if (this.o.profileIntervalMs > 0) every(this.o.profileIntervalMs, () => this.saveAll());
    // A lease released elsewhere (a graceful stop): claim now rather than at the next round.
    void this.o.leases
      .onWake(() => {
        if (!this.stopped) void this.claimRound().catch((err) => this.o.log.warn('cluster round failed', { error: messageOf(err) }));
      })
      .then(
        (off) => {
          this.unlistenWake = off;
        },
        (err) => this.o.log.warn('no wake-ups from released leases; the claim rounds carry on', { error: messageOf(err) }),
      );
    void this.claimRound().catch((err) => this.o.log.warn('cluster round failed', { error: messageOf(err) }));
  }

  /** Claims `name` for this node (a start through the API); false when another node holds it. */
  async claim(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const sent = this.now();
    const epoch = await this.o.leases.claimOne(name);
    if (epoch === null) return false;
    this.hold(name, epoch, sent);
    await this.restore(name);
    this.o.onClaimed?.();
    return true;
  }

  /** The session stopped here (API stop, graceful shutdown): its login saved, its lease released. */
  async release(name: string, save: boolean): Promise<void> {
    const h = this.held.get(name);
    if (!h) return;
    if (save) await this.save(name);
    await this.o.settle?.();
    this.unhold(name);
    try {
      await this.o.leases.release(name, h.epoch);
      await this.o.leases.wake();
    } catch (err) {
      this.o.log.warn('lease release failed', { session: name, error: messageOf(err) });
    }
  }

  /** The account is gone (logout, deletion): the stored login too. */
  async forget(name: string): Promise<void> {
    await this.o.profiles.delete(name);
  }

  /** Told of every status change of a session this node runs: recorded for the other nodes' lists. */
  statusChanged(name: string, status: string): void {
    const h = this.held.get(name);
    if (!h) return;
    void this.o.leases.status(name, { owner: this.me, epoch: h.epoch }, status).catch(() => {});
    if (status === 'WORKING' && !h.saveTimer)
      h.saveTimer = setTimeout(() => {
        h.saveTimer = null;
        void this.save(name);
      }, FIRST_SAVE_DELAY_MS);
  }

  /** Stops the rounds and hands every session over (the browsers were closed by the manager already). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    await this.unlistenWake?.().catch(() => {});
    this.unlistenWake = null;
    await Promise.all([...this.held.keys()].map((name) => this.release(name, true)));
  }

  /** Saves a session's login now (also the benchmark's measurement). */
  async save(name: string): Promise<{ bytes: number; stored: number; files: number; ms: number } | null> {
    const h = this.held.get(name);
    if (!h || !this.sessions) return null;
    const started = this.now();
    try {
      const packed = await packProfile(join(this.sessions.dataDir(name), 'session'));
      if (!packed) return null;
      if (packed.data.byteLength > this.o.profileMaxBytes) {
        this.o.log.warn('login profile too large to save (PROFILE_MAX_MB); the next node will show a QR', {
          session: name,
          bytes: packed.data.byteLength,
        });
        return null;
      }
      await this.o.profiles.save(name, { owner: this.me, epoch: h.epoch }, packed);
      const ms = Math.round(this.now() - started);
      this.o.log.info('login profile saved', {
        session: name,
        files: packed.files,
        bytes: packed.bytes,
        stored: packed.data.byteLength,
        ms,
      });
      return { bytes: packed.bytes, stored: packed.data.byteLength, files: packed.files, ms };
    } catch (err) {
      if (isStaleLease(err)) void this.lose(name, 'the lease was taken over');
      else this.o.log.warn('login profile save failed', { session: name, error: messageOf(err) });
      return null;
    }
  }

  private hold(name: string, epoch: number, sentAt: number): void {
    const old = this.held.get(name);
    if (old?.saveTimer) clearTimeout(old.saveTimer);
    this.held.set(name, { epoch, trustedUntil: sentAt + this.o.ttlMs - this.margin, saveTimer: null });
  }

  private unhold(name: string): void {
    const h = this.held.get(name);
    if (h?.saveTimer) clearTimeout(h.saveTimer);
    this.held.delete(name);
  }

  private async restore(name: string): Promise<void> {
    if (!this.sessions) return;
    const started = this.now();
    try {
      const data = await this.o.profiles.load(name);
      if (!data) return;
      const files = await unpackProfile(join(this.sessions.dataDir(name), 'session'), data);
      this.o.log.info('login profile restored', { session: name, files, stored: data.byteLength, ms: Math.round(this.now() - started) });
    } catch (err) {
      this.o.log.warn('login profile restore failed; the session may show a QR', { session: name, error: messageOf(err) });
    }
  }

  private async lose(name: string, why: string): Promise<void> {
    const h = this.held.get(name);
    if (!h) return;
    this.unhold(name);
    this.o.log.warn('session lease lost: its browser is stopped here', { session: name, epoch: h.epoch, why });
    await this.sessions?.lost(name);
  }

  private checkDeadlines(): void {
    const t = this.now();
    for (const [name, h] of this.held) if (t > h.trustedUntil) void this.lose(name, 'not renewed in time');
  }

  private async renew(): Promise<void> {
    const sent = this.now();
    const names = [...this.held.keys()];
    if (names.length > 0) {
      const renewed = new Map((await this.o.leases.renew(names)).map((r) => [r.name, r.epoch]));
      for (const [name, h] of [...this.held]) {
        if (renewed.get(name) === h.epoch) h.trustedUntil = sent + this.o.ttlMs - this.margin;
        else void this.lose(name, 'the lease expired or was taken over');
      }
    }
    // After the renewal: a failing heartbeat must not cost the leases.
    await this.o.leases.heartbeat(this.o.url(), this.sessions?.capacity().max ?? 0);
  }

  private async claimRound(): Promise<void> {
    if (this.claiming || !this.sessions || this.stopped) return;
    this.claiming = true;
    try {
      await this.o.leases.heartbeat(this.o.url(), this.sessions.capacity().max);
      const rows = await this.o.leases.rows();
      this.remote = new Map(rows.filter((r) => r.owner !== this.me || !this.held.has(r.name)).map((r) => [r.name, r]));
      this.sessions.sync(rows);
      const { active, max } = this.sessions.capacity();
      const free = max - active;
      if (free <= 0) return;
      const { claimable, lighter, eligible } = await this.o.leases.backlog(active);
      // A node running fewer sessions, with room, takes what is waiting first: sessions spread.
      if (claimable === 0 || lighter > 0) return;
      // A fair share among the equally loaded, so that the nodes alive split a dead one's sessions.
      const limit = Math.min(free, Math.ceil(claimable / eligible));
      const sent = this.now();
      const claimed = await this.o.leases.claim(limit);
      for (const c of claimed) {
        this.hold(c.name, c.epoch, sent);
        this.o.log.info('session claimed', { session: c.name, epoch: c.epoch });
      }
      for (const c of claimed) {
        await this.restore(c.name);
        await this.sessions
          .runClaimed(c.name)
          .catch((err) => this.o.log.error('claimed session did not start', { session: c.name, error: messageOf(err) }));
      }
      if (claimed.length) this.o.onClaimed?.();
    } finally {
      this.claiming = false;
    }
  }

  private async saveAll(): Promise<void> {
    for (const name of [...this.held.keys()]) if (this.sessions?.working(name)) await this.save(name);
  }
}
