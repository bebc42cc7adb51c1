import { ACK_NAMES, type ChatListQuery, type Clients, type HistoryQuery, type MessageFilter } from '../../engine/types';
import { NotFoundError, UnprocessableError } from '../../errors';
import type { MessagesQuery, OverviewBody } from './model';

/** Chats and the messages in them; every call goes straight to the session's WhatsApp Web (nothing is cached here). */
export class ChatsService {
  constructor(private readonly clients: Clients) {}

  list(session: string, q: ChatListQuery) {
    return this.clients.client(session).chats.list({ ...q, merge: q.merge ?? true });
  }

  /** WAHA's chats overview: the most recently active chats first; `ids` narrows it to those chats. */
  overview(session: string, q: { limit: number; offset?: number; ids?: string[]; merge?: boolean }) {
    return this.clients.client(session).chats.overview({ limit: q.limit, offset: q.offset ?? 0, ids: q.ids, merge: q.merge ?? true });
  }

  /** The POST form of the overview (WAHA's: for more ids than a query holds). */
  overviewOf(session: string, b: typeof OverviewBody.static) {
    return this.overview(session, { ...b.pagination, ids: b.filter?.ids });
  }

  messages(session: string, chatId: string, q: MessagesQuery) {
    return this.clients.client(session).chats.messages(chatId, historyQuery(q));
  }

  async message(session: string, chatId: string, messageId: string, q: { downloadMedia: boolean }) {
    const message = await this.clients.client(session).chats.message(messageId, q);
    if (!message)
      throw new NotFoundError(`Message '${messageId}' not found in chat '${chatId}' — use the full id from the chat's messages.`);
    return message;
  }

  /** Marks the chat read; WAHA's WEBJS answer is `{ids: null}` (the chat is read as a whole). */
  async read(session: string, chatId: string) {
    await this.clients.client(session).chats.markRead(chatId);
    return { ids: null };
  }

  async delete(session: string, chatId: string) {
    return { success: await this.clients.client(session).chats.delete(chatId) };
  }

  async clearMessages(session: string, chatId: string) {
    return { success: await this.clients.client(session).chats.clearMessages(chatId) };
  }

  async archive(session: string, chatId: string, archived: boolean) {
    await this.clients.client(session).chats.archive(chatId, archived);
    return { success: true };
  }

  async markUnread(session: string, chatId: string) {
    await this.clients.client(session).chats.markUnread(chatId);
    return { success: true };
  }

  async picture(session: string, chatId: string) {
    return { url: await this.clients.client(session).contacts.profilePictureUrl(chatId) };
  }

  // The message id names its chat; `chatId` is taken as WAHA takes it, for the path only.

  async deleteMessage(session: string, _chatId: string, messageId: string) {
    const messages = this.clients.client(session).messages;
    await messages.delete(messageId);
    return { success: true };
  }

  async editMessage(session: string, _chatId: string, messageId: string, b: { text: string; linkPreview?: boolean; mentions?: string[] }) {
    const messages = this.clients.client(session).messages;
    const edited = await messages.edit(messageId, b.text, { linkPreview: b.linkPreview, mentions: b.mentions });
    if (!edited)
      throw new UnprocessableError(
        `Message '${messageId}' cannot be edited — only your own text messages, within 15 minutes of sending, can be.`,
      );
    return edited;
  }

  async pin(session: string, _chatId: string, messageId: string, durationSec: number) {
    const messages = this.clients.client(session).messages;
    return { success: await messages.pin(messageId, durationSec) };
  }

  async unpin(session: string, _chatId: string, messageId: string) {
    const messages = this.clients.client(session).messages;
    return { success: await messages.unpin(messageId) };
  }
}

const ACK_BY_NAME = new Map(Object.entries(ACK_NAMES).map(([n, name]) => [name, Number(n)]));

/** The history query as the engine takes it: WAHA's defaults (newest first, merged), its filter names. */
export function historyQuery(q: MessagesQuery): HistoryQuery {
  const filter: MessageFilter = {
    timestampGte: q['filter.timestamp.gte'],
    timestampLte: q['filter.timestamp.lte'],
    fromMe: q['filter.fromMe'],
    ack: q['filter.ack'] === undefined ? undefined : ACK_BY_NAME.get(q['filter.ack']),
  };
  for (const k of Object.keys(filter) as (keyof MessageFilter)[]) if (filter[k] === undefined) delete filter[k];
  return {
    limit: q.limit,
    offset: q.offset ?? 0,
    downloadMedia: q.downloadMedia,
    sortOrder: q.sortOrder ?? 'desc',
    merge: q.merge ?? true,
    filter,
  };
}
