import { t } from 'elysia';
import { ChatId } from '../messages/model';
import { SessionName } from '../sessions/model';

export const ChatParams = t.Object({ session: SessionName });
export const ChatMessagesParams = t.Object({ session: SessionName, chatId: ChatId });

export const ChatsQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 1000 })),
  offset: t.Optional(t.Integer({ minimum: 0 })),
  sortBy: t.Optional(t.Union([t.Literal('conversationTimestamp'), t.Literal('id'), t.Literal('name')])),
  sortOrder: t.Optional(t.Union([t.Literal('asc'), t.Literal('desc')])),
});

export const MessagesQuery = t.Object({
  limit: t.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  downloadMedia: t.Boolean({ default: true }),
});

/** whatsapp-web.js's chat object as WAHA returns it. */
export const Chat = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js chat object: id {server, user, _serialized}, name, isGroup, unreadCount, timestamp, archived, pinned, …',
});
