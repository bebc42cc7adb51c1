/**
 * The in-process event bus: sessions and the catch-up publish; the outbox subscribes (and through
 * it the webhooks and the WebSocket hub). Delivery is synchronous and in publish order; a listener
 * that throws is logged and does not stop the others or the publisher.
 */
import type { Logger } from '../log';
import type { Me } from '../model';

/** One event as published: WAHA's envelope without the parts the outbox adds (id, environment). */
export interface BusEvent {
  session: string;
  /** WAHA's event name, e.g. `session.status`, `message`. */
  event: string;
  payload: unknown;
  me: Me | null;
  /** The session's `config.metadata`, carried in every delivery. */
  metadata: Record<string, string>;
  /** ms since epoch. */
  timestamp: number;
}

export type BusListener = (e: BusEvent) => void;

export class EventBus {
  private readonly listeners = new Set<BusListener>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Delivers `e` to every listener; stamps `timestamp` when the publisher gave none. */
  publish(e: Omit<BusEvent, 'timestamp'> & { timestamp?: number }): void {
    const event: BusEvent = { ...e, timestamp: e.timestamp ?? this.now() };
    for (const fn of [...this.listeners]) {
      try {
        fn(event);
      } catch (err) {
        this.log.error('event listener failed', { event: event.event, session: event.session, error: err });
      }
    }
  }

  /** Adds a listener; call the returned function to remove it. */
  subscribe(fn: BusListener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }
}
