/**
 * Which incoming messages already went out as a `message` event. The outbox records a message in
 * the same transaction as its event, so an entry here means the event was committed.
 * whatsapp-web.js does not emit messages WhatsApp Web already holds when it starts, so whatever
 * the page received but a killed process never committed would be lost; on each WORKING the
 * catch-up (catch-up.ts) asks the engine for recent incoming messages and publishes the ones
 * missing here. Bounded: entries older than `keepMs` and all but the newest `maxPerSession` of
 * a session are pruned.
 */
import type { Lease } from '../store/fence';
import type { LedgerStore } from '../store/types';

export interface LedgerOptions {
  /** Entries recorded longer ago than this are pruned (default 7 days). */
  keepMs?: number;
  /** At most this many entries per session are kept, the newest (default 50,000). */
  maxPerSession?: number;
  now?: () => number;
  /** In a cluster: the session's lease, which the start mark's write carries. */
  leaseOf?: (session: string) => Lease | null;
}

const DAY_MS = 86_400_000;

export class PublishedLedger {
  private readonly keepMs: number;
  private readonly maxPerSession: number;
  private readonly now: () => number;
  private readonly leaseOf: ((session: string) => Lease | null) | undefined;

  constructor(
    private readonly store: LedgerStore,
    opts: LedgerOptions = {},
  ) {
    this.keepMs = opts.keepMs ?? 7 * DAY_MS;
    this.maxPerSession = opts.maxPerSession ?? 50_000;
    this.now = opts.now ?? Date.now;
    this.leaseOf = opts.leaseOf;
  }

  has(session: string, id: string): Promise<boolean> {
    return this.store.has(session, id);
  }

  /**
   * From when (s) a session that is ready now should look for missed messages: `marginSec`
   * before its newest recorded message, but never before the first time it was ready (a start
   * mark, recorded then), so history that came with the pairing is not replayed. Null the first
   * time: nothing to catch up on, the mark is set to `nowSec`.
   */
  async catchUpSince(session: string, nowSec: number, marginSec: number): Promise<number | null> {
    const { latest, floor } = await this.store.bounds(session);
    if (latest === null) {
      await this.store.mark(session, nowSec, this.now(), this.leaseOf?.(session) ?? null);
      return null;
    }
    return Math.max(latest - marginSec, floor ?? Number.NEGATIVE_INFINITY);
  }

  /** The session's account is gone (logout, deletion): a new pairing must not catch up on its history. */
  forget(session: string): Promise<void> {
    return this.store.forget(session);
  }

  /** Drops entries past the retention period and beyond the per-session cap. */
  prune(): Promise<void> {
    return this.store.prune(this.now() - this.keepMs, this.maxPerSession);
  }
}
