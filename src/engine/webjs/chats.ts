/** Chat list, overview, history, one message and reading a chat, over a ready whatsapp-web.js client. */
import type { Chat, Client, Message } from 'whatsapp-web.js';
import type { ChatCalls, ChatListQuery, ChatSummary, HistoryQuery, Plain, WAMessage } from '../types';
import { CHAT_HISTORY, CHATS_PAGE } from './chats-page';
import { chatNotFound, findChat, type WebjsContext } from './context';
import { boundedData, type LibMessage, mediaInfo, toPlain, toWAMessage } from './mapping';

/**
 * History with `downloadMedia` and no media store (WHATSAPP_DOWNLOAD_MEDIA=false): media up to
 * this size comes inline as a `data:` URL; larger media keeps `url: null`, so one history call
 * cannot hold hundreds of MB in memory.
 */
export const INLINE_MEDIA_MAX_BYTES = 2 * 1024 * 1024;

type LibClasses = {
  Message: new (client: Client, data: unknown) => Message;
  GroupChat: new (client: Client, data: unknown) => Chat;
  PrivateChat: new (client: Client, data: unknown) => Chat;
  Channel: new (client: Client, data: unknown) => Chat;
};

const lm = (m: Message) => m as unknown as LibMessage;

export class WebjsChats implements ChatCalls {
  constructor(private readonly ctx: WebjsContext) {}

  private get classes(): LibClasses {
    return this.ctx.lib as unknown as LibClasses;
  }

  /** One page of chats as the library's Chat objects (ChatFactory's choice of class). */
  private async page(q: ChatListQuery): Promise<Chat[]> {
    const page = this.ctx.client.pupPage;
    if (!page) return [];
    const data = await page.evaluate(CHATS_PAGE, q);
    const { GroupChat, PrivateChat, Channel } = this.classes;
    return data
      .filter(Boolean)
      .map((d: { isGroup?: boolean; isChannel?: boolean }) =>
        d.isGroup ? new GroupChat(this.ctx.client, d) : d.isChannel ? new Channel(this.ctx.client, d) : new PrivateChat(this.ctx.client, d),
      );
  }

  async list(q: ChatListQuery): Promise<Plain[]> {
    return (await this.page(q)).map(toPlain);
  }

  /** WAHA's order: the most recently active first; pictures from the session's picture cache. */
  async overview(q: { limit: number; offset: number; ids?: string[]; merge: boolean }): Promise<ChatSummary[]> {
    const chats = await this.page({ ...q, sortBy: 'conversationTimestamp', sortOrder: 'desc' });
    const pictures = await this.ctx.pictures.get(chats.map((c) => c.id._serialized));
    return chats.map((chat, i) => ({
      id: chat.id._serialized,
      name: chat.name || null,
      picture: pictures[i] ?? null,
      lastMessage: chat.lastMessage ? toWAMessage(lm(chat.lastMessage), this.ctx.events.source(chat.lastMessage.id._serialized)) : null,
      _chat: toPlain(chat),
    }));
  }

  async messages(chatId: string, q: HistoryQuery): Promise<WAMessage[]> {
    const page = this.ctx.client.pupPage;
    const data = page ? await page.evaluate(CHAT_HISTORY, chatId, q.filter, { limit: q.limit, offset: q.offset }, q.merge) : null;
    if (!data) throw chatNotFound(chatId);
    const out: WAMessage[] = [];
    for (const d of data) out.push(await this.toMessage(new this.classes.Message(this.ctx.client, d), q.downloadMedia)); // one download at a time
    return q.sortOrder === 'asc' ? out.reverse() : out;
  }

  async message(messageId: string, q: { downloadMedia: boolean }): Promise<WAMessage | null> {
    const msg = await this.ctx.client.getMessageById(messageId);
    if (!msg) return null;
    const out = await this.toMessage(msg, q.downloadMedia);
    // Who got and read a group or status message: WAHA's WEBJS puts the library's getInfo() in _data.
    const remote = msg.id.remote as unknown as string;
    if (remote.endsWith('@g.us') || remote === 'status@broadcast') {
      const receipts = await msg.getInfo().catch(() => null);
      out._data = { ...out._data, receipts: receipts ? boundedData(receipts) : null };
    }
    return out;
  }

  async markRead(chatId: string): Promise<void> {
    await (await findChat(this.ctx, chatId)).sendSeen();
  }

  async delete(chatId: string): Promise<boolean> {
    return Boolean(await (await findChat(this.ctx, chatId)).delete());
  }

  async clearMessages(chatId: string): Promise<boolean> {
    return Boolean(await (await findChat(this.ctx, chatId)).clearMessages());
  }

  async archive(chatId: string, archived: boolean): Promise<boolean> {
    await findChat(this.ctx, chatId);
    const r = archived ? await this.ctx.client.archiveChat(chatId) : await this.ctx.client.unarchiveChat(chatId);
    return Boolean(r);
  }

  async markUnread(chatId: string): Promise<void> {
    await findChat(this.ctx, chatId);
    await this.ctx.client.markChatUnread(chatId);
  }

  private async toMessage(m: Message, downloadMedia: boolean): Promise<WAMessage> {
    const events = this.ctx.events;
    const media = !downloadMedia ? mediaInfo(lm(m)) : events.storesMedia ? await events.media(m) : await inlineMedia(m);
    return toWAMessage(lm(m), events.source(m.id._serialized), media);
  }
}

/** A message's media inline as a `data:` URL, up to INLINE_MEDIA_MAX_BYTES (else what is known of it). */
export async function inlineMedia(m: Message): Promise<WAMessage['media']> {
  const size = Number(lm(m)._data?.size ?? 0);
  if (!m.hasMedia || size > INLINE_MEDIA_MAX_BYTES) return mediaInfo(lm(m));
  try {
    const media = await m.downloadMedia();
    return media ? mediaInfo(lm(m), `data:${media.mimetype};base64,${media.data}`) : mediaInfo(lm(m));
  } catch {
    return mediaInfo(lm(m));
  }
}
