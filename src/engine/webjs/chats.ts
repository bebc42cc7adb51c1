/** Chat list and history over a ready whatsapp-web.js client. */
import type { Chat, Message } from 'whatsapp-web.js';
import type { ChatCalls, ChatListQuery, Plain, WAMessage } from '../types';
import { findChat, type WebjsContext } from './context';
import { type LibMessage, mediaInfo, toPlain, toWAMessage } from './mapping';

/**
 * History with `downloadMedia`: media up to this size comes inline as a `data:` URL (there is no
 * file store to link to); larger media keeps `url: null`, so one history call cannot hold
 * hundreds of MB in memory.
 */
export const INLINE_MEDIA_MAX_BYTES = 2 * 1024 * 1024;

export class WebjsChats implements ChatCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(q: ChatListQuery): Promise<Plain[]> {
    let chats = await this.ctx.client.getChats();
    if (q.sortBy) {
      const key = (c: Chat): string | number =>
        q.sortBy === 'id' ? c.id._serialized : q.sortBy === 'name' ? (c.name ?? '').toLowerCase() : (c.timestamp ?? 0);
      const dir = (q.sortOrder ?? (q.sortBy === 'conversationTimestamp' ? 'desc' : 'asc')) === 'desc' ? -1 : 1;
      chats = [...chats].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));
    }
    const from = q.offset ?? 0;
    return chats.slice(from, q.limit === undefined ? undefined : from + q.limit).map(toPlain);
  }

  async messages(chatId: string, q: { limit: number; downloadMedia: boolean }): Promise<WAMessage[]> {
    const msgs = await (await findChat(this.ctx, chatId)).fetchMessages({ limit: q.limit });
    const out: WAMessage[] = [];
    for (const m of msgs) {
      // one download at a time: bounded memory
      const media = q.downloadMedia ? await inlineMedia(m) : mediaInfo(m as unknown as LibMessage);
      out.push(toWAMessage(m as unknown as LibMessage, this.ctx.events.source(m.id._serialized), media));
    }
    return out;
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
}

/** A message's media inline as a `data:` URL, up to INLINE_MEDIA_MAX_BYTES (else what is known of it). */
export async function inlineMedia(m: Message): Promise<WAMessage['media']> {
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
