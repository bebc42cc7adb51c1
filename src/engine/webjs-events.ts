/**
 * whatsapp-web.js's message, group and call events → the engine's `wa_event`s in WAHA's shapes.
 *
 * `source: 'api'` marks messages sent through our API. whatsapp-web.js emits `message_create`
 * for a message before `sendMessage()` has returned its id, so events about our own messages
 * wait (in one ordered queue) until the sends in flight have settled and their ids are known.
 */
import type { Call, Client, GroupNotification, Message, Reaction } from 'whatsapp-web.js';
import type { Logger } from '../log';
import { ackName, groupEvents, toCall, toReaction, toWAMessage, type LibGroupNotification, type LibMessage } from './mapping';
import type { EngineEvent } from './types';

/** Ids of the newest API sends; older ones are forgotten (their events are long past). */
const REMEMBERED_SENDS = 2000;

type Out = { event: string; payload: unknown }[];

const lib = (m: Message) => m as unknown as LibMessage;

export class MessageEvents {
  private readonly apiIds = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly emit: (e: EngineEvent) => void,
    private readonly me: () => string | null,
    private readonly log: Logger,
  ) {}

  /** Runs an API send; its message id is remembered as `source: 'api'` before its events go out. */
  async trackSend<T extends Message | undefined>(send: Promise<T>): Promise<T> {
    this.inflight.add(send);
    try {
      const msg = await send;
      if (msg) this.remember(msg.id._serialized);
      return msg;
    } finally {
      this.inflight.delete(send);
    }
  }

  /** Marks an id as sent through the API (e.g. a forwarded copy found after the fact). */
  remember(id: string): void {
    this.apiIds.add(id);
    if (this.apiIds.size > REMEMBERED_SENDS) for (const old of this.apiIds) { this.apiIds.delete(old); break; }
  }

  source(id: string): 'api' | 'app' {
    return this.apiIds.has(id) ? 'api' : 'app';
  }

  /** Subscribes to the client's events. */
  attach(client: Client): void {
    const msg = (m: Message) => toWAMessage(lib(m), this.source(m.id._serialized));
    client.on('message_create', (m: Message) => this.push(m.fromMe, () => [{ event: 'message.any', payload: msg(m) }]));
    client.on('message', (m: Message) => this.push(false, () => [{ event: 'message', payload: msg(m) }]));
    client.on('message_ack', (m: Message, ack: number) =>
      this.push(m.fromMe, () => [{ event: 'message.ack', payload: { ...msg(m), ack, ackName: ackName(ack) } }]));
    client.on('message_revoke_everyone', (after: Message, before?: Message | null) => this.push(after.fromMe, () => {
      const key = (lib(after) as unknown as { protocolMessageKey?: { id?: string } }).protocolMessageKey;
      const payload = { after: msg(after), before: before ? msg(before) : null, revokedMessageId: key?.id ?? before?.id.id ?? null };
      return [{ event: 'message.revoked', payload }];
    }));
    client.on('message_edit', (m: Message, newBody: unknown, prevBody: unknown) => this.push(m.fromMe, () =>
      [{ event: 'message.edited', payload: { ...msg(m), body: String(newBody ?? ''), prevBody: prevBody == null ? null : String(prevBody), editedMessageId: m.id.id } }]));
    client.on('message_reaction', (r: Reaction) =>
      this.push(r.id.fromMe, () => [{ event: 'message.reaction', payload: toReaction(r, this.me()) }]));
    const group = (n: GroupNotification) => this.push(false, () => groupEvents(n as unknown as LibGroupNotification, this.me()));
    for (const name of ['group_join', 'group_leave', 'group_admin_changed', 'group_update']) client.on(name, group);
    client.on('call', (c: Call) => { if (!c.fromMe) this.push(false, () => [{ event: 'call.received', payload: toCall(c) }]); });
  }

  private push(ours: boolean, make: () => Out): void {
    this.queue = this.queue
      .then(async () => {
        if (ours && this.inflight.size) await Promise.allSettled([...this.inflight]);
        for (const { event, payload } of make()) this.emit({ type: 'wa_event', event, payload });
      })
      .catch((err) => this.log.warn('event mapping failed', { error: err instanceof Error ? err.message : String(err) }));
  }
}
