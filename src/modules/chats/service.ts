import type { ChatListQuery, Clients } from '../../engine/types';

/** Chat list and history; reads go straight to the session's WhatsApp Web (nothing is cached here). */
export class ChatsService {
  constructor(private readonly clients: Clients) {}

  list(session: string, q: ChatListQuery) {
    return this.clients.client(session).chats.list(q);
  }

  messages(session: string, chatId: string, q: { limit: number; downloadMedia: boolean }) {
    return this.clients.client(session).chats.messages(chatId, q);
  }
}
