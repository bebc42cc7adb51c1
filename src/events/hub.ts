/**
 * Live event fan-out to WebSocket clients: the same envelopes, the same JSON text the webhooks
 * get, sent after the outbox has committed them. Not durable: a client that is away misses
 * events. A slow client is disconnected rather than buffered without bound.
 */
import type { Logger } from '../log';
import { wantsEvent } from './envelope';
import type { Written } from './outbox';

/** The part of a WebSocket the hub uses (Bun's ServerWebSocket fits). */
export interface EventClient {
  /** Bun: bytes sent, -1 queued under backpressure, 0 dropped. */
  send(text: string): number;
  getBufferedAmount(): number;
  close(code?: number, reason?: string): void;
}

/** What a client asked for: one session or all, some events or all. */
export interface EventFilter {
  session: string;
  events: string[];
}

/** 1 MB of unsent frames: a few thousand message events. More means the client cannot keep up. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/** `?session=&events=`: a session name or `*`; a comma list of event names or `*` (unknown names never match). */
export function parseFilter(q: { session?: string; events?: string }): EventFilter {
  const session = q.session?.trim() || '*';
  const events = (q.events ?? '*')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return { session, events: events.length ? events : ['*'] };
}

/** The connected WebSocket clients and their filters; sends each committed envelope to those that asked. */
export class EventHub {
  private readonly clients = new Map<EventClient, EventFilter>();

  constructor(
    private readonly log: Logger,
    private readonly maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES,
  ) {}

  /** Follows the outbox: every committed event goes to the clients that asked for it. */
  follow(outbox: { onWritten(fn: (w: Written) => void): () => void }): () => void {
    return outbox.onWritten((w) => this.publish(w.envelope, w.json));
  }

  add(client: EventClient, filter: EventFilter): () => void {
    this.clients.set(client, filter);
    return () => this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  publish(e: { session: string; event: string }, json: string): void {
    for (const [client, f] of this.clients) {
      if ((f.session !== '*' && f.session !== e.session) || !wantsEvent(f.events, e.event)) continue;
      if (client.getBufferedAmount() > this.maxBufferedBytes || client.send(json) === 0) {
        this.clients.delete(client);
        this.log.warn('WebSocket client too slow; disconnected', { session: f.session, bufferedBytes: client.getBufferedAmount() });
        // 1013 "try again later": the client may reconnect; events meanwhile are in the webhooks' outbox only.
        client.close(1013, 'too slow: unsent events over the limit');
      }
    }
  }

  /** Closes every client (shutdown). */
  closeAll(): void {
    for (const client of this.clients.keys()) client.close(1001, 'server stopping');
    this.clients.clear();
  }
}
