import type { ChatListQuery, Clients } from '../../engine/types';
import { UnprocessableError } from '../../errors';

/** Chats and the messages in them; every call goes straight to the session's WhatsApp Web (nothing is cached here). */
export class ChatsService {
  constructor(private readonly clients: Clients) {}

  list(session: string, q: ChatListQuery) {
    return this.clients.client(session).chats.list(q);
  }

  messages(session: string, chatId: string, q: { limit: number; downloadMedia: boolean }) {
    return this.clients.client(session).chats.messages(chatId, q);
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
