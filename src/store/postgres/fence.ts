import { type Lease, StaleLeaseError } from '../fence';
import type { Query } from './pool';

/**
 * The fencing rule (docs/cluster.md), as the first statement of a session's write transaction:
 * the row must still name this lease, unexpired on the database's clock. `FOR SHARE` makes a
 * concurrent claim (an UPDATE of the row) wait until this transaction ends, and a transaction
 * that starts after a claim committed sees the new epoch: a session's writes are all of one
 * epoch, then all of the next, never interleaved. Throws StaleLeaseError; the caller's
 * transaction then rolls back.
 */
export async function holdLease(tx: Query, session: string, lease: Lease): Promise<void> {
  const rows = await tx`SELECT 1 AS x FROM sessions
    WHERE name = ${session} AND owner = ${lease.owner} AND epoch = ${lease.epoch} AND lease_expires_at > now()
    FOR SHARE`;
  if (rows.length === 0) throw new StaleLeaseError(session, lease);
}
