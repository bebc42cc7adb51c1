/**
 * What the services need from storage, as interfaces: sessions and their configs, the webhook
 * outbox with its dead letters, and the ledger of incoming messages already published. Every
 * call is asynchronous so that a networked database can stand behind them; the embedded binding
 * is SQLite (`sqlite/`). Rows are plain data; the logic around them lives with their users
 * (src/modules/sessions, src/events).
 */
import type { TargetSettings } from '../events/targets';
import type { SessionConfig } from '../modules/sessions/model';
import type { DeadLetter, DeadLetterDetail, PrunedTarget, ReplayResult, WebhookTarget } from '../modules/webhooks/model';
import type { Lease } from './fence';

/** One stored session. */
export interface SessionRow {
  name: string;
  config: SessionConfig | null;
  /** Whether it should be running: restored at the next start-up when true. */
  running: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SessionStore {
  list(): Promise<SessionRow[]>;
  insert(name: string, config: SessionConfig | null, running?: boolean): Promise<void>;
  setConfig(name: string, config: SessionConfig | null): Promise<void>;
  setRunning(name: string, running: boolean): Promise<void>;
  delete(name: string): Promise<void>;
}

/** A webhook target as stored: its key (scope + URL) and the settings of its latest event. */
export interface TargetRow {
  id: number;
  key: string;
  /** JSON of TargetSettings (src/events/targets.ts). */
  settings: string;
}

/** One pending delivery: an event for one target. */
export interface OutboxRow {
  seq: number;
  targetId: number;
  eventId: string;
  event: string;
  session: string;
  body: Uint8Array<ArrayBuffer>;
  createdAt: number;
  /** Failed attempts so far. */
  attempts: number;
  /** Not before this time (ms): the stored retry time, honoured after a restart. */
  nextAt: number;
}

/** What one event write commits, in one transaction. */
export interface EventWrite {
  eventId: string;
  event: string;
  session: string;
  /** ms: the event's time, also the first attempt's time. */
  timestamp: number;
  /** The envelope JSON every attempt sends. */
  body: Uint8Array;
  /** One row per target: its key and current settings JSON (the target row is created or updated). */
  targets: { key: string; settings: string }[];
  /** An incoming message whose event this is: recorded in the ledger. */
  record?: { id: string; timestampSec: number } | null;
  /** Dropped (nothing written, null returned) when the ledger already holds this message id. */
  unlessPublished?: string | null;
  /**
   * In a cluster: the session's lease this write is made under. The write commits only while it
   * is the session's current lease, else it rejects with StaleLeaseError (store/fence.ts) and
   * writes nothing. The SQLite binding (one node) ignores it.
   */
  lease?: Lease | null;
}

export interface OutboxStore {
  /** Commits the event's rows (and ledger entry) atomically; the target ids written, or null when dropped. */
  write(w: EventWrite): Promise<number[] | null>;
  targets(): Promise<TargetRow[]>;
  pendingCount(): Promise<number>;
  /** Targets that have pending rows. */
  targetsWithPending(): Promise<number[]>;
  /** The first `limit` pending rows of a target, oldest first. */
  head(targetId: number, limit: number): Promise<OutboxRow[]>;
  /** A 2xx came back: the row is done. false when it was already gone. */
  remove(seq: number): Promise<boolean>;
  /** An attempt failed; the next one is not before `nextAt`. */
  fail(seq: number, error: string, nextAt: number): Promise<void>;
  /** No retries are left: the row moves to the dead letters. */
  bury(seq: number, url: string, error: string, at: number): Promise<void>;
}

/** Which incoming messages already went out as a `message` event, per session. */
export interface LedgerStore {
  has(session: string, id: string): Promise<boolean>;
  /** The newest message time (s) recorded, and the session's start mark (s), each null when absent. */
  bounds(session: string): Promise<{ latest: number | null; floor: number | null }>;
  /** Sets the start mark: the first time the session was ready. Fenced by `lease` as an event write is. */
  mark(session: string, timestampSec: number, at: number, lease?: Lease | null): Promise<void>;
  forget(session: string): Promise<void>;
  /** Drops rows recorded before `before` (ms) and all but the newest `maxPerSession` of each session. */
  prune(before: number, maxPerSession: number): Promise<void>;
}

/** Which dead letters: any combination, all of them when empty. */
export interface DeadLetterFilter {
  session?: string;
  target?: number;
  event?: string;
}

/** A target as the store holds it, with its queue. */
export interface StoredTarget {
  id: number;
  /** '*' for the global webhook, else the session. */
  scope: string;
  url: string;
  /** null when the stored JSON cannot be read. */
  settings: TargetSettings | null;
  pending: number;
  head: WebhookTarget['head'];
  deadLetters: number;
}

/** What the delivery routes read and change: targets with their queues, dead letters, replay, prune. */
export interface WebhookDeliveries {
  targets(): Promise<StoredTarget[]>;
  /** Newest first; `before` pages on by seq. */
  deadLetters(q: DeadLetterFilter & { before?: number; limit: number }): Promise<{ items: DeadLetter[]; total: number }>;
  deadLetter(seq: number): Promise<DeadLetterDetail | null>;
  /**
   * Moves dead letters back into the outbox, oldest first, behind what is pending on their
   * target, with no failed attempts and due now. One transaction.
   */
  replay(which: { seqs: readonly number[] } | { filter: DeadLetterFilter }): Promise<ReplayResult>;
  /** Deletes those of `ids` that have nothing pending (and no dead letters, unless `withDeadLetters`, which deletes them too). */
  prune(ids: readonly number[], withDeadLetters: boolean): Promise<PrunedTarget[]>;
}

/** What a session-bound key may do in its session (WAHA's SessionActions); a missing flag is false. */
export interface KeyActions {
  read?: boolean;
  send?: boolean;
  control?: boolean;
  setting?: boolean;
  app?: boolean;
  delete?: boolean;
}

/**
 * One API key as stored: never the key itself, only its SHA-512 and a short hint to recognise
 * it by. `admin`: every route; `session`: one session's routes (within `actions`); `media`:
 * only that session's files.
 */
export interface ApiKeyRow {
  id: string;
  /** SHA-512 of the key. */
  hash: Uint8Array;
  /** The key's first characters and an ellipsis, shown in lists. */
  hint: string;
  kind: 'admin' | 'session' | 'media';
  session: string | null;
  active: boolean;
  actions: KeyActions | null;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKeyStore {
  list(): Promise<ApiKeyRow[]>;
  get(id: string): Promise<ApiKeyRow | null>;
  /** The key whose SHA-512 this is (an index lookup: the digest reveals nothing of any key). */
  byHash(hash: Uint8Array): Promise<ApiKeyRow | null>;
  insert(row: ApiKeyRow): Promise<void>;
  /** Kind, session, active and actions of an existing key; false when it is gone. */
  update(row: ApiKeyRow): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/** The whole store, as the service opens it. */
export interface Store {
  sessions: SessionStore;
  outbox: OutboxStore;
  ledger: LedgerStore;
  deliveries: WebhookDeliveries;
  apiKeys: ApiKeyStore;
  close(): Promise<void>;
}
