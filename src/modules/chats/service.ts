import { ACK_NAMES, type ChatListQuery, type Clients, type HistoryQuery, type MessageFilter } from '../../engine/types';
import { NotFoundError } from '../../errors';
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
