/**
 * Events leaving the service: the bus feeds the durable outbox, which commits each event and
 * then hands it to the dispatcher (webhooks) and the hub (WebSocket clients).
 */
import type { Database } from 'bun:sqlite';
import type { Config } from '../config';
import type { EventBus } from '../events/bus';
import type { Logger } from '../log';
import { EventHub } from '../modules/ws/service';
import { type Attempt, WebhookDispatcher } from './delivery';
import type { Environment } from './envelope';
import { WebhookOutbox } from './outbox';
import type { PublishedMessages } from './published';
import { globalWebhook, type WebhookConfig } from './targets';

export interface EventDeliveryDeps {
  config: Config;
  /** The store's database (migrated: it holds the webhook_* tables). */
  db: Database;
  bus: EventBus;
  /** A session's `config.webhooks`; [] for a session that has none or no longer exists. */
  webhooksOf: (session: string) => readonly WebhookConfig[];
  environment: () => Environment;
  log: Logger;
  /** Each delivery attempt's outcome (for /metrics). */
  onAttempt?: (a: Attempt) => void;
  /** Records committed `message` events, for the catch-up after a restart. */
  published?: PublishedMessages | null;
}

/** The running event delivery: outbox (stats for /metrics), dispatcher, WebSocket hub. */
export interface EventDelivery {
  outbox: WebhookOutbox;
  dispatcher: WebhookDispatcher;
  hub: EventHub;
  /** Stop taking events, close WebSocket clients, let in-flight webhooks finish until the deadline. */
  stop(deadlineMs: number): Promise<void>;
}

/** Wires bus → outbox → (dispatcher, hub) and starts delivering, pending rows first. Throws ConfigError. */
export function startEventDelivery(deps: EventDeliveryDeps): EventDelivery {
  const log = deps.log.child({ module: 'webhooks' });
  const outbox = new WebhookOutbox({
    db: deps.db,
    webhooksOf: deps.webhooksOf,
    global: globalWebhook(deps.config),
    environment: deps.environment,
    log,
    published: deps.published,
  });
  const dispatcher = new WebhookDispatcher({ outbox, timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS, log, onAttempt: deps.onAttempt });
  const hub = new EventHub(log);
  hub.follow(outbox);
  // Synchronous: the event is committed before the publisher's call returns.
  const unsubscribe = deps.bus.subscribe((e) => {
    outbox.publish(e);
  });
  dispatcher.start();
  return {
    outbox,
    dispatcher,
    hub,
    async stop(deadlineMs) {
      unsubscribe();
      hub.closeAll();
      await dispatcher.stop(deadlineMs);
    },
  };
}
