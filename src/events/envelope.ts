/**
 * The event envelope WAHA sends to webhooks and WebSocket clients, its ids, and the event names
 * (docs/waha-contract.md, "Events and webhooks").
 */
import type { Me } from '../model';
import type { BusEvent } from './bus';

/**
 * The event names this service emits; `*` subscribes to all. A subscription may also name events
 * not listed here: WAHA's list grows every release, and a newer client must not be refused by an
 * older server — an unknown name simply never matches.
 */
export const EVENT_NAMES = [
  'session.status',
  'message',
  'message.any',
  'message.ack',
  'message.ack.group',
  'message.waiting',
  'message.reaction',
  'message.revoked',
  'message.edited',
  'chat.archive',
  'group.v2.join',
  'group.v2.leave',
  'group.v2.participants',
  'group.v2.update',
  'presence.update',
  'poll.vote',
  'poll.vote.failed',
  'call.received',
  'call.rejected',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** True when a subscription list (`['*']` or names) asks for `event`. */
export const wantsEvent = (events: readonly string[], event: string): boolean => events.includes('*') || events.includes(event);

/** What the server says about itself in every envelope. */
export interface Environment {
  version: string;
  engine: 'WEBJS';
  tier: 'CORE';
  browser: string;
  /** The node that runs the session (WAHA's `environment.worker`). */
  worker?: { id: string };
}

/** The JSON every webhook delivery and WebSocket frame carries. */
export interface Envelope {
  id: string;
  timestamp: number;
  event: string;
  session: string;
  metadata: Record<string, string>;
  me: Me | null;
  payload: unknown;
  engine: 'WEBJS';
  environment: Environment;
}

/** Builds the envelope with a fresh id; the event's time is the id's time part. */
export function buildEnvelope(e: BusEvent, environment: Environment): Envelope {
  return {
    id: `evt_${ulid(e.timestamp)}`,
    timestamp: e.timestamp,
    event: e.event,
    session: e.session,
    metadata: e.metadata,
    me: e.me,
    payload: e.payload,
    engine: 'WEBJS',
    environment,
  };
}

// --- ULID (https://github.com/ulid/spec): 48-bit ms time + 80 random bits, Crockford base32.
// Monotonic within a millisecond (the random part is incremented), so ids sort in publish order.

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A ULID generator with its own monotonic state (tests take a fresh one). */
export function monotonicUlid(): (now?: number) => string {
  let lastTime = -1;
  const random = new Uint8Array(16); // 16 base32 digits, 5 bits each
  return (now = Date.now()) => {
    if (now <= lastTime) {
      // Same (or an earlier, after a clock step back) millisecond: keep the last time, add one.
      now = lastTime;
      let i = 15;
      while (i >= 0 && random[i] === 31) random[i--] = 0;
      if (i < 0) throw new Error('ULID random part overflowed within one millisecond');
      random[i]!++;
    } else {
      lastTime = now;
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      // The top digit keeps its high bit clear so increments practically never overflow.
      for (let i = 0; i < 16; i++) random[i] = bytes[i]! & (i === 0 ? 15 : 31);
    }
    let out = '';
    for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) out = ALPHABET[t % 32]! + out;
    for (let i = 0; i < 16; i++) out += ALPHABET[random[i]!];
    return out;
  };
}

/** A lowercase 26-character ULID for time `now` (ms); strictly increasing within this process. */
export const ulid = monotonicUlid();
