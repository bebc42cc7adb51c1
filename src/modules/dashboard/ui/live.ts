/**
 * One WebSocket to /ws for the whole page: every envelope goes to every listener (session
 * statuses, new messages, the event monitor). It reconnects after a drop, waiting longer each
 * time; envelopes sent while it was away are not replayed (/ws is not durable: webhooks are).
 */
import type { Api } from './api';

/** The envelope the service sends (the same JSON the webhooks get). */
export interface Envelope {
  id: string;
  timestamp: number;
  event: string;
  session: string;
  me: { id: string; pushName: string } | null;
  payload: unknown;
}

export type LiveState = 'connecting' | 'open' | 'closed';

/** Envelopes kept for the event monitor, newest first. */
const RECENT = 300;

export class LiveEvents {
  private ws: WebSocket | null = null;
  private readonly listeners = new Set<(e: Envelope) => void>();
  private readonly stateListeners = new Set<(s: LiveState) => void>();
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  state: LiveState = 'connecting';
  /** The last envelopes received, newest first (the monitor starts from these). */
  recent: Envelope[] = [];

  constructor(private readonly api: Api) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  on(fn: (e: Envelope) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onState(fn: (s: LiveState) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  private setState(s: LiveState): void {
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private connect(): void {
    this.setState('connecting');
    const ws = new WebSocket(this.api.wsUrl({ session: '*', events: '*' }));
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      this.setState('open');
    };
    ws.onmessage = (m) => {
      let e: Envelope;
      try {
        e = JSON.parse(String(m.data));
      } catch {
        return;
      }
      this.recent = [e, ...this.recent.slice(0, RECENT - 1)];
      for (const fn of this.listeners) fn(e);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState('closed');
      if (this.stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
