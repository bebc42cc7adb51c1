/**
 * Write fencing (docs/cluster.md): in a cluster, every write a session makes carries the lease
 * it was made under, and the store refuses it unless, in the same transaction, the session's row
 * still names this node, this epoch and an unexpired lease. A node that was paused or cut off
 * past its lease therefore cannot write after another node took the session over.
 */

/** One holding of a session's lease: the node and the claim's number. */
export interface Lease {
  owner: string;
  epoch: number;
}

/** The write was made under a lease that is no longer the session's. Nothing was written. */
export class StaleLeaseError extends Error {
  constructor(
    readonly session: string,
    readonly lease: Lease | null,
  ) {
    super(
      lease
        ? `session '${session}': lease epoch ${lease.epoch} of ${lease.owner} is no longer current; the write is refused`
        : `session '${session}' has no lease on this node; the write is refused`,
    );
    this.name = 'StaleLeaseError';
  }
}

export const isStaleLease = (e: unknown): e is StaleLeaseError => e instanceof StaleLeaseError;
