/**
 * After each WORKING: incoming messages WhatsApp Web holds that never went out as `message`
 * (received by the page while this process was dying, or while it was down) are published now,
 * oldest first, as `message.any` and `message`. whatsapp-web.js emits only messages that arrive
 * after it injected, so without this a kill -9 loses the tail of a burst.
 *
 * Only from the newest published message on (minus a margin: messages of one second can be
 * committed out of order, and a phone's clock may step back a little), and after the session's
 * first WORKING: a fresh pairing does not replay its history. A live event that arrives for a
 * message the catch-up published is dropped by the outbox (it finds the id in the ledger).
 */
import type { WhatsAppClient } from '../engine/types';
import type { Logger } from '../log';
import type { BusEvent, EventBus } from './bus';
import type { PublishedLedger } from './ledger';

export const CATCH_UP_MARGIN_SEC = 60;

export interface CatchUpDeps {
  bus: EventBus;
  ledger: PublishedLedger;
  /** The client of a WORKING session, or null. */
  clientOf: (session: string) => WhatsAppClient | null;
  log: Logger;
  now?: () => number;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Follows the bus; returns the unsubscribe. */
export function followCatchUp(deps: CatchUpDeps): () => void {
  const running = new Map<string, Promise<void>>();
  const now = deps.now ?? Date.now;
  return deps.bus.subscribe((e) => {
    if (e.event !== 'session.status' || (e.payload as { status?: string } | null)?.status !== 'WORKING') return;
    const previous = running.get(e.session) ?? Promise.resolve();
    const next = previous.then(() => catchUp(deps, e, now));
    running.set(e.session, next);
    void next.then(() => {
      if (running.get(e.session) === next) running.delete(e.session);
    });
  });
}

async function catchUp(deps: CatchUpDeps, working: BusEvent, now: () => number): Promise<void> {
  const { session } = working;
  const log = deps.log.child({ session });
  const client = deps.clientOf(session);
  if (!client) return;
  try {
    const since = await deps.ledger.catchUpSince(session, now() / 1000, CATCH_UP_MARGIN_SEC);
    if (since === null) {
      log.info('catch-up: first ready of this account, its history is not replayed');
      return;
    }
    const found = await client.messages.recentIncoming(since, (id) => deps.ledger.has(session, id));
    // The session reconnected or stopped meanwhile: the next WORKING catches up again.
    if (deps.clientOf(session) !== client) return;
    for (const m of [...found].sort((a, b) => a.timestamp - b.timestamp)) {
      const base = { session, me: working.me, metadata: working.metadata };
      deps.bus.publish({ ...base, event: 'message.any', payload: m });
      deps.bus.publish({ ...base, event: 'message', payload: m });
    }
    log.info('catch-up done: published the incoming messages missed while away', { count: found.length, since });
  } catch (err) {
    if (deps.clientOf(session) === client) log.warn('catch-up on missed messages failed', { error: messageOf(err) });
  }
}
