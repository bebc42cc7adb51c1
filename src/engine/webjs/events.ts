/**
 * whatsapp-web.js's message, group and call events → the engine's `wa_event`s in WAHA's shapes.
 *
 * `source: 'api'` marks messages sent through our API. whatsapp-web.js emits `message_create`
 * for a message before `sendMessage()` has returned its id, so events about our own messages
 * wait (in one ordered queue) until the sends in flight have settled and their ids are known.
 */
import type { Call, Client, GroupChat, GroupNotification, Message, PollVote, Reaction } from 'whatsapp-web.js';
import type { Logger } from '../../log';
import type { EngineEvent, EventIgnore, MediaSaver, WAMessage } from '../types';
import {
  ackName,
  groupEvents,
  groupMembers,
  ignoredChats,
  type LibGroup,
  type LibGroupNotification,
  type LibMessage,
  type LibPollVote,
  mediaInfo,
  toCall,
  toGroupInfo,
  toPollVote,
  toPresenceUpdate,
  toReaction,
  toRejectedCall,
  toWAMessage,
  widString,
} from './mapping';
import { WATCH_PRESENCE } from './presence-page';

/** The page function presence changes are forwarded to (exposed by puppeteer, once per page). */
const PRESENCE_BINDING = 'wabunPresence';

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
    private readonly opts: { ignore?: EventIgnore | null; saveMedia?: MediaSaver | null } = {},
  ) {
    this.ignored = ignoredChats(opts.ignore);
  }

  /** Incoming media being stored, by message id: `message` and `message_create` share one download. */
  private readonly downloads = new Map<string, Promise<WAMessage['media']>>();

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

  private remember(id: string): void {
    this.apiIds.add(id);
    if (this.apiIds.size > REMEMBERED_SENDS)
      for (const old of this.apiIds) {
        this.apiIds.delete(old);
        break;
      }
  }

  source(id: string): 'api' | 'app' {
    return this.apiIds.has(id) ? 'api' : 'app';
  }

  /** config.ignore: true for a chat whose events are dropped. */
  readonly ignored: (chatId: string | null | undefined) => boolean;

  /** An incoming message as its `message` event carries it (media stored when configured). */
  async incoming(m: Message): Promise<WAMessage> {
    return toWAMessage(lib(m), this.source(m.id._serialized), await this.media(m));
  }

  /** Subscribes to the client's events. */
  attach(client: Client): void {
    // config.ignore: an ignored chat's events stop here, before anything is mapped or queued.
    const skip = this.ignored;
    const msg = (m: Message) => toWAMessage(lib(m), this.source(m.id._serialized));
    const incoming = (m: Message) => this.incoming(m);
    client.on('message_create', (m: Message) => {
      if (!skip(m.id.remote)) this.push(m.fromMe, async () => [{ event: 'message.any', payload: m.fromMe ? msg(m) : await incoming(m) }]);
    });
    client.on('message', (m: Message) => {
      if (!skip(m.id.remote)) this.push(false, async () => [{ event: 'message', payload: await incoming(m) }]);
    });
    // Groups and status have their own event, as in WAHA; the library reports only the overall ack
    // there (the slowest member), with no participant (docs/coverage.md).
    client.on('message_ack', (m: Message, ack: number) => {
      const event = m.id.remote.endsWith('@g.us') || m.id.remote === 'status@broadcast' ? 'message.ack.group' : 'message.ack';
      if (!skip(m.id.remote)) this.push(m.fromMe, () => [{ event, payload: { ...msg(m), ack, ackName: ackName(ack) } }]);
    });
    client.on('message_ciphertext', (m: Message) => {
      if (!skip(m.id.remote)) this.push(false, () => [{ event: 'message.waiting', payload: msg(m) }]);
    });
    client.on('vote_update', (v: PollVote) => {
      if (skip(widString((v as unknown as LibPollVote).parentMessage?.id?.remote))) return;
      const mapped = toPollVote(v as unknown as LibPollVote, this.me());
      if (mapped) this.push(false, () => [mapped]);
    });
    client.on(
      'message_revoke_everyone',
      (after: Message, before?: Message | null) =>
        skip(after.id.remote) ||
        this.push(after.fromMe, () => {
          const key = (lib(after) as unknown as { protocolMessageKey?: { id?: string } }).protocolMessageKey;
          const payload = { after: msg(after), before: before ? msg(before) : null, revokedMessageId: key?.id ?? before?.id.id ?? null };
          return [{ event: 'message.revoked', payload }];
        }),
    );
    client.on(
      'message_edit',
      (m: Message, newBody: unknown, prevBody: unknown) =>
        skip(m.id.remote) ||
        this.push(m.fromMe, () => [
          {
            event: 'message.edited',
            payload: {
              ...msg(m),
              body: String(newBody ?? ''),
              prevBody: prevBody == null ? null : String(prevBody),
              editedMessageId: m.id.id,
            },
          },
        ]),
    );
    client.on(
      'message_reaction',
      (r: Reaction) =>
        skip(r.id.remote) || this.push(r.id.fromMe, () => [{ event: 'message.reaction', payload: toReaction(r, this.me()) }]),
    );
    const group = (n: GroupNotification) =>
      skip(n.chatId) ||
      this.push(false, () => groupEvents(n as unknown as LibGroupNotification, this.me(), (all) => groupInfo(client, n.chatId, all)));
    for (const name of ['group_join', 'group_leave', 'group_admin_changed', 'group_update']) client.on(name, group);
    client.on('call', (c: Call) => {
      if (!c.fromMe && !(c.isGroup && this.opts.ignore?.groups)) this.push(false, () => [{ event: 'call.received', payload: toCall(c) }]);
    });
    client.on('ready', () => {
      this.watchPresence(client).catch((err) =>
        this.log.warn('presence events unavailable', { error: err instanceof Error ? err.message : String(err) }),
      );
    });
  }

  /** Whether media can be stored and linked (WHATSAPP_DOWNLOAD_MEDIA); without a store, history inlines small media. */
  get storesMedia(): boolean {
    return Boolean(this.opts.saveMedia);
  }

  /** `call.rejected` for a call the API rejected: the library reports no rejection itself. */
  callRejected(from: string, callId: string): void {
    if (!this.ignored(from))
      this.push(false, () => [{ event: 'call.rejected', payload: toRejectedCall(from, callId, Math.floor(Date.now() / 1000)) }]);
  }

  /**
   * `presence.update`: the library listens to no presence, so the page's presence collection is
   * watched directly (chats we subscribed to; docs/presence.md). The binding outlives reloads, the
   * listener is added again at every ready.
   */
  private async watchPresence(client: Client): Promise<void> {
    const page = client.pupPage;
    if (!page) return;
    if (!this.presenceBound.has(page)) {
      this.presenceBound.add(page);
      await page.exposeFunction(PRESENCE_BINDING, (s: { chatId: string; participant: string; type: string | null; t: number | null }) => {
        if (s?.chatId && !this.ignored(s.chatId)) this.push(false, () => [{ event: 'presence.update', payload: toPresenceUpdate(s) }]);
      });
    }
    await page.evaluate(WATCH_PRESENCE, PRESENCE_BINDING);
  }

  private readonly presenceBound = new WeakSet<object>();

  /**
   * A message's media, stored (WHATSAPP_DOWNLOAD_MEDIA) and linked; without a store, what is
   * known of it with `url: null`; when the download fails, that with WAHA's `error`.
   */
  media(m: Message): Promise<WAMessage['media']> {
    const save = this.opts.saveMedia;
    if (!m.hasMedia || !save) return Promise.resolve(mediaInfo(lib(m)));
    const id = m.id._serialized;
    let p = this.downloads.get(id);
    if (!p) {
      p = (async () => {
        const data = await m.downloadMedia();
        if (!data) return withError(mediaInfo(lib(m)), 'WhatsApp Web has the media no more (expired or deleted on the phone)');
        return await save({ messageId: id, mimetype: data.mimetype, filename: data.filename ?? null, data: data.data });
      })().catch((err) => {
        const reason = err instanceof Error ? err.message : String(err);
        this.log.warn('media download failed', { id, error: reason });
        return withError(mediaInfo(lib(m)), `media download failed: ${reason}`);
      });
      this.downloads.set(id, p);
      if (this.downloads.size > 64)
        for (const old of this.downloads.keys()) {
          this.downloads.delete(old);
          break;
        }
    }
    return p;
  }

  private push(ours: boolean, make: () => Out | Promise<Out>): void {
    this.queue = this.queue
      .then(async () => {
        if (ours && this.inflight.size) await Promise.allSettled([...this.inflight]);
        for (const { event, payload } of await make()) this.emit({ type: 'wa_event', event, payload });
      })
      .catch((err) => this.log.warn('event mapping failed', { error: err instanceof Error ? err.message : String(err) }));
  }
}

const withError = (media: WAMessage['media'], message: string): WAMessage['media'] => (media ? { ...media, error: { message } } : media);

/** The group as WAHA's GroupInfo, read when its event is mapped; null when it cannot be read (left, gone). */
async function groupInfo(client: Client, groupId: string, withParticipants: boolean): Promise<Record<string, unknown> | null> {
  const chat = (await client.getChatById(groupId).catch(() => undefined)) as GroupChat | undefined;
  if (!chat?.isGroup) return null;
  // Admins only; for anyone else the library answers undefined.
  const code = await chat.getInviteCode().catch(() => undefined);
  return toGroupInfo(chat as unknown as LibGroup, code, withParticipants ? groupMembers(chat.participants ?? []) : undefined);
}
