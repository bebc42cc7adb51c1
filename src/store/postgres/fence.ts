import { type Lease, StaleLeaseError } from '../fence';
import type { Query } from './pool';

/**
 * How long a fenced transaction may sit idle before the server ends it. Its statements follow
 * each other within milliseconds; a longer gap means the writer is paused (SIGSTOP, a frozen VM)
 * while it holds the row's share lock, which would keep every other node from claiming the
 * session until it woke. Ended, the lock is gone; the writer's retry (Pool) meets the new epoch.
 */
export const FENCE_IDLE_TIMEOUT_MS = 2000;

/**
 * The fencing rule (docs/cluster.md), as the first statement of a session's write transaction:
 * the row must still name this lease, unexpired on the database's clock. `FOR SHARE` makes a
 * concurrent claim (an UPDATE of the row) wait until this transaction ends, and a transaction
 * that starts after a claim committed sees the new epoch: a session's writes are all of one
 * epoch, then all of the next, never interleaved. Throws StaleLeaseError; the caller's
 * transaction then rolls back.
 */
export async function holdLease(tx: Query, session: string, lease: Lease): Promise<void> {
  await tx`SELECT set_config('idle_in_transaction_session_timeout', ${String(FENCE_IDLE_TIMEOUT_MS)}, true)`;
  const rows = await tx`SELECT 1 AS x FROM sessions
    WHERE name = ${session} AND owner = ${lease.owner} AND epoch = ${lease.epoch} AND lease_expires_at > now()
    FOR SHARE`;
  if (rows.length === 0) throw new StaleLeaseError(session, lease);
}
