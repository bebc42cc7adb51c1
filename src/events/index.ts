/**
 * Where an event goes, in order: a session (or the catch-up) publishes on the bus → the outbox
 * commits it to the store (one row per matching webhook, the ledger entry of an incoming message)
 * → the dispatcher delivers the rows to their webhooks, and the hub sends the envelope to the
 * WebSocket clients that asked for it.
 */
import type { Clock } from '../clock';
import type { WhatsAppClient } from '../engine/types';
import type { Logger } from '../log';
import type { OutboundPolicy } from '../net/policy';
import type { Lease } from '../store/fence';
import type { LedgerStore, OutboxStore } from '../store/types';
import { EventBus } from './bus';
import { followCatchUp } from './catch-up';
import { type Attempt, WebhookDispatcher } from './dispatcher';
import type { Environment } from './envelope';
import { EventHub } from './hub';
import { PublishedLedger } from './ledger';
import { WebhookOutbox } from './outbox';
import type { WebhookConfig } from './targets';

export interface EventsDeps {
  outboxStore: OutboxStore;
  ledgerStore: LedgerStore;
  /** A session's `config.webhooks`; [] for a session that has none or no longer exists. */
  webhooksOf: (session: string) => readonly WebhookConfig[];
  /** The `WHATSAPP_HOOK_*` webhook for every session, if set. */
  globalWebhook: WebhookConfig | null;
  environment: () => Environment;
  /** The client of a WORKING session (for the catch-up), or null. */
  clientOf: (session: string) => WhatsAppClient | null;
  /** WEBHOOK_TIMEOUT_MS. */
  webhookTimeoutMs: number;
  /** Where webhooks may go (WEBHOOK_DENY). */
  webhookPolicy?: OutboundPolicy;
  log: Logger;
  clock?: Clock;
  /** Each delivery attempt's outcome (for /metrics). */
  onAttempt?: (a: Attempt) => void;
  /**
   * In a cluster: a session's lease on this node (null when not held). Every write carries it,
   * and only the holder delivers the session's webhooks. Absent: one node does everything.
   */
  leaseOf?: (session: string) => Lease | null;
}

/** The event pipeline, built; `start()` follows the bus and delivers, pending rows first. */
export interface Events {
  bus: EventBus;
  outbox: WebhookOutbox;
  dispatcher: WebhookDispatcher;
  hub: EventHub;
  ledger: PublishedLedger;
  start(): void;
  /** Stop taking events, close WebSocket clients, let in-flight webhooks finish until the deadline. */
  stop(deadlineMs: number): Promise<void>;
}

export async function createEvents(deps: EventsDeps): Promise<Events> {
  const log = deps.log.child({ module: 'events' });
  const now = deps.clock ? () => deps.clock!.now() : Date.now;
  const bus = new EventBus(log, now);
  const ledger = new PublishedLedger(deps.ledgerStore, { now, leaseOf: deps.leaseOf });
  const outbox = await WebhookOutbox.open({
    store: deps.outboxStore,
    webhooksOf: deps.webhooksOf,
    global: deps.globalWebhook,
    environment: deps.environment,
    now,
    log,
    leaseOf: deps.leaseOf,
  });
  const dispatcher = new WebhookDispatcher({
    outbox,
    timeoutMs: deps.webhookTimeoutMs,
    policy: deps.webhookPolicy,
    clock: deps.clock,
    log,
    onAttempt: deps.onAttempt,
    delivers: deps.leaseOf ? (session) => deps.leaseOf!(session) !== null : undefined,
  });
  const hub = new EventHub(log);
  const stops: (() => void)[] = [];
  let pruned = 0;
  return {
    bus,
    outbox,
    dispatcher,
    hub,
    ledger,
    start() {
      stops.push(hub.follow(outbox));
      stops.push(
        bus.subscribe((e) => {
          outbox.publish(e).catch(() => {}); // logged by the outbox
          // The ledger is pruned now and then as messages come in, never on a timer of its own.
          if (e.event === 'message' && ++pruned % 1000 === 0)
            ledger.prune().catch((err) => log.warn('ledger prune failed', { error: err }));
        }),
      );
      stops.push(followCatchUp({ bus, ledger, clientOf: deps.clientOf, log, now }));
      dispatcher.start();
    },
    async stop(deadlineMs) {
      for (const s of stops.splice(0)) s();
      await outbox.idle();
      hub.closeAll();
      await dispatcher.stop(deadlineMs);
    },
  };
}
