/**
 * The messaging, chat, contact and group calls of the engine over a ready whatsapp-web.js
 * client. Results are the library's objects as JSON (what WAHA returns), or WAHA's message shape
 * for chat history.
 */
import type { Chat, Client, GroupChat, Message, MessageSendOptions } from 'whatsapp-web.js';
import { NotFoundError, UpstreamError } from '../errors';
import { type LibMessage, mediaInfo, toPlain, toWAMessage, widString } from './mapping';
import type { MediaInput, SendOptions, WAMessage } from './types';
import type { MessageEvents } from './webjs-events';

type Lib = typeof import('whatsapp-web.js');
type Plain = Record<string, unknown>;

/**
 * History with `downloadMedia`: media up to this size comes inline as a `data:` URL (there is no
 * file store to link to); larger media keeps `url: null`, so one history call cannot hold
 * hundreds of MB in memory.
 */
export const INLINE_MEDIA_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The catch-up's bounds (recentIncoming): the most recently active chats, the messages looked at
 * per chat (ids and times only), and the messages serialized and published at most.
 */
export const CATCH_UP_CHATS = 20;
export const CATCH_UP_SCAN_PER_CHAT = 5000;
export const CATCH_UP_MAX = 2000;

/**
 * In WhatsApp Web's page: ids and times of incoming messages from `since` (s) on, in the `limit`
 * chats active most recently. The same reads as whatsapp-web.js's `Chat.fetchMessages`
 * (chat.msgs, then loadEarlierMsgs pages), but it stops paging once the loaded messages reach
 * back past `since`, and skips what `message` never carries: our own messages, notifications,
 * group changes, undecrypted ones. Only ids cross to Node: most are already published.
 */
/** A WhatsApp Web model or module: the page's own objects carry no types. */
// biome-ignore lint/suspicious/noExplicitAny: WhatsApp Web's modules are untyped JavaScript.
type Wa = any;

const RECENT_INCOMING_IDS = async (since: number, limit: number, perChat: number) => {
  const w = window as unknown as { require(m: string): Wa };
  const chats = w
    .require('WAWebCollections')
    .Chat.getModelsArray()
    .filter((c: Wa) => (c.t ?? 0) >= since)
    .sort((a: Wa, b: Wa) => b.t - a.t)
    .slice(0, limit);
  const wanted = (m: Wa) => !m.id.fromMe && !m.isNotification && m.type !== 'gp2' && m.type !== 'ciphertext' && m.t >= since;
  const out: { id: string; t: number }[] = [];
  for (const chat of chats) {
    let msgs: Wa[] = chat.msgs.getModelsArray();
    const oldest = () => msgs.reduce((t, m) => Math.min(t, m.t), Infinity);
    while (msgs.length < perChat && oldest() >= since) {
      const earlier = await w.require('WAWebChatLoadMessages').loadEarlierMsgs({ chat });
      if (!earlier?.length) break;
      msgs = [...earlier, ...msgs];
    }
    for (const m of msgs) if (wanted(m)) out.push({ id: m.id._serialized, t: m.t });
  }
  return out;
};

/** In the page: the messages with these ids, serialized like the library's own events. */
const MESSAGES_BY_ID = (ids: string[]) => {
  const w = window as unknown as { require(m: string): Wa; WWebJS: { getMessageModel(m: unknown): unknown } };
  const Msg = w.require('WAWebCollections').Msg;
  return ids
    .map((id) => Msg.get(id))
    .filter(Boolean)
    .map((m: unknown) => w.WWebJS.getMessageModel(m));
};

const chatNotFound = (chatId: string) =>
  new NotFoundError(
    `Chat '${chatId}' not found — use an id like 14155550123@c.us or …@g.us; GET /api/contacts/check-exists tells whether a number is on WhatsApp.`,
  );

export class WebjsActions {
  constructor(
    private readonly client: Client,
    private readonly lib: Lib,
    private readonly events: MessageEvents,
  ) {}

  sendText(chatId: string, text: string, o: SendOptions = {}): Promise<Plain> {
    return this.send(chatId, text, { ...this.common(o), linkPreview: o.linkPreview ?? true });
  }

  sendMedia(chatId: string, m: MediaInput, o: SendOptions = {}): Promise<Plain> {
    const media = new this.lib.MessageMedia(m.mimetype, m.data, m.filename ?? null);
    return this.send(chatId, media, {
      ...this.common(o),
      caption: o.caption,
      sendAudioAsVoice: o.asVoice,
      sendMediaAsDocument: o.asDocument,
    });
  }

  sendLocation(chatId: string, loc: { latitude: number; longitude: number; title?: string }): Promise<Plain> {
    return this.send(chatId, new this.lib.Location(loc.latitude, loc.longitude, loc.title ? { name: loc.title } : {}), {});
  }

  /** One message per contact card (the library parses a vCard text into a contact message); returns the last. */
  async sendContactVcard(chatId: string, contacts: { vcard: string }[]): Promise<Plain> {
    let last: Plain = {};
    for (const c of contacts) last = await this.send(chatId, c.vcard, { parseVCards: true });
    return last;
  }

  sendPoll(chatId: string, p: { name: string; options: string[]; multipleAnswers: boolean }): Promise<Plain> {
    return this.send(
      chatId,
      new this.lib.Poll(p.name, p.options, { allowMultipleAnswers: p.multipleAnswers, messageSecret: undefined }),
      {},
    );
  }

  /** Forwards, then returns the copy (our newest message in that chat; sends to one chat are queued in order). */
  async forwardMessage(chatId: string, messageId: string): Promise<Plain> {
    const original = await this.message(messageId);
    const forward = async () => {
      await original.forward(chatId);
      const [copy] = await (await this.chat(chatId)).fetchMessages({ limit: 1, fromMe: true });
      return copy;
    };
    const copy = await this.events.trackSend(forward());
    return toPlain(copy ?? original);
  }

  async sendSeen(chatId: string): Promise<void> {
    await this.client.sendSeen(chatId);
  }

  async setTyping(chatId: string, typing: boolean): Promise<void> {
    const chat = await this.chat(chatId);
    if (typing) await chat.sendStateTyping();
    else await chat.clearState();
  }

  async react(messageId: string, reaction: string): Promise<void> {
    await (await this.message(messageId)).react(reaction);
  }

  async star(messageId: string, star: boolean): Promise<void> {
    const msg = await this.message(messageId);
    if (star) await msg.star();
    else await msg.unstar();
  }

  async getChats(q: { limit?: number; offset?: number; sortBy?: string; sortOrder?: 'asc' | 'desc' }): Promise<Plain[]> {
    let chats = await this.client.getChats();
    if (q.sortBy) {
      const key = (c: Chat): string | number =>
        q.sortBy === 'id' ? c.id._serialized : q.sortBy === 'name' ? (c.name ?? '').toLowerCase() : (c.timestamp ?? 0);
      const dir = (q.sortOrder ?? (q.sortBy === 'conversationTimestamp' ? 'desc' : 'asc')) === 'desc' ? -1 : 1;
      chats = [...chats].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
    }
    const from = q.offset ?? 0;
    return chats.slice(from, q.limit === undefined ? undefined : from + q.limit).map(toPlain);
  }

  /** The newest `limit` messages of a chat, oldest first, in WAHA's message shape. */
  async getMessages(chatId: string, q: { limit: number; downloadMedia: boolean }): Promise<WAMessage[]> {
    const msgs = await (await this.chat(chatId)).fetchMessages({ limit: q.limit });
    const out: WAMessage[] = [];
    for (const m of msgs) {
      // one download at a time: bounded memory
      const media = q.downloadMedia ? await this.inlineMedia(m) : mediaInfo(m as unknown as LibMessage);
      out.push(toWAMessage(m as unknown as LibMessage, this.events.source(m.id._serialized), media));
    }
    return out;
  }

  /** Incoming messages from `sinceSec` on that `known` does not know, oldest first, as `message` events carry them. */
  async recentIncoming(sinceSec: number, known: (id: string) => boolean = () => false): Promise<WAMessage[]> {
    const page = this.client.pupPage;
    if (!page) return [];
    const found = await page.evaluate(RECENT_INCOMING_IDS, sinceSec, CATCH_UP_CHATS, CATCH_UP_SCAN_PER_CHAT);
    // Beyond CATCH_UP_MAX, the oldest go now and the rest at the next `ready` (it starts after them).
    const missing = found
      .filter((m) => !known(m.id) && !this.events.ignored(m.id.split('_')[1]))
      .sort((a, b) => a.t - b.t)
      .slice(0, CATCH_UP_MAX);
    const data = await page.evaluate(
      MESSAGES_BY_ID,
      missing.map((m) => m.id),
    );
    const { Message: MessageClass } = this.lib as unknown as { Message: new (client: Client, data: unknown) => Message };
    const out: WAMessage[] = [];
    for (const d of data) out.push(await this.events.incoming(new MessageClass(this.client, d))); // one media download at a time
    return out;
  }

  async getContacts(): Promise<Plain[]> {
    return (await this.client.getContacts()).map(toPlain);
  }

  async getContact(contactId: string): Promise<Plain | null> {
    try {
      return toPlain(await this.client.getContactById(contactId));
    } catch {
      return null;
    }
  }

  /** The chat id of a phone number that is on WhatsApp, else null. */
  async checkNumber(phone: string): Promise<string | null> {
    return widString(await this.client.getNumberId(phone));
  }

  async profilePictureUrl(contactId: string): Promise<string | null> {
    return (await this.client.getProfilePicUrl(contactId)) ?? null;
  }

  async getGroups(): Promise<Plain[]> {
    return (await this.client.getChats()).filter((c) => c.isGroup).map((c) => groupJson(c as GroupChat));
  }

  async createGroup(name: string, participants: string[]): Promise<Plain> {
    const r = await this.client.createGroup(name, participants);
    if (typeof r === 'string') throw new UpstreamError(`WhatsApp did not create the group: ${r}`);
    return { ...toPlain(r), id: widString(r.gid) };
  }

  async getGroup(groupId: string): Promise<Plain | null> {
    const chat = await this.chat(groupId).catch(() => null);
    return chat?.isGroup ? groupJson(chat as GroupChat) : null;
  }

  async updateParticipants(groupId: string, action: 'add' | 'remove', participants: string[]): Promise<Plain> {
    const chat = await this.chat(groupId);
    if (!chat.isGroup) throw new NotFoundError(`'${groupId}' is not a group — list groups with GET /api/{session}/groups.`);
    const g = chat as GroupChat;
    return toPlain(action === 'add' ? await g.addParticipants(participants) : await g.removeParticipants(participants));
  }

  private common(o: SendOptions): MessageSendOptions {
    return { quotedMessageId: o.replyTo ?? undefined, mentions: o.mentions };
  }

  private async send(chatId: string, content: Parameters<Client['sendMessage']>[1], options: MessageSendOptions): Promise<Plain> {
    const msg = await this.events.trackSend(this.client.sendMessage(chatId, content, options) as Promise<Message | undefined>);
    if (!msg) throw chatNotFound(chatId);
    return toPlain(msg);
  }

  private async chat(chatId: string): Promise<Chat> {
    let chat: Chat | undefined;
    try {
      chat = await this.client.getChatById(chatId);
    } catch {
      chat = undefined;
    }
    if (!chat) throw chatNotFound(chatId);
    return chat;
  }

  private async message(messageId: string): Promise<Message> {
    const msg = await this.client.getMessageById(messageId);
    if (!msg) throw new NotFoundError(`Message '${messageId}' not found — use the full id, e.g. true_14155550123@c.us_3EB0…`);
    return msg;
  }

  private async inlineMedia(m: Message): Promise<WAMessage['media']> {
    const lm = m as unknown as LibMessage;
    const size = Number(lm._data?.size ?? 0);
    if (!m.hasMedia || size > INLINE_MEDIA_MAX_BYTES) return mediaInfo(lm);
    try {
      const media = await m.downloadMedia();
      return media ? mediaInfo(lm, `data:${media.mimetype};base64,${media.data}`) : mediaInfo(lm);
    } catch {
      return mediaInfo(lm);
    }
  }
}

/** A group chat as JSON, with the getters JSON leaves out (owner, participants, …). */
function groupJson(g: GroupChat): Plain {
  return {
    ...toPlain(g),
    owner: g.owner ?? null,
    createdAt: g.createdAt ?? null,
    description: g.description ?? null,
    participants: toPlain({ p: g.participants ?? [] }).p,
  };
}
