import { t } from 'elysia';
import { ChatId, MessageId } from '../messages/model';
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

export const ChatMessageParams = t.Object({ session: SessionName, chatId: ChatId, messageId: MessageId });

export const ChatPictureQuery = t.Object({
  refresh: t.Optional(
    t.Boolean({ description: 'Ask WhatsApp again instead of the cached picture (accepted; every read asks WhatsApp Web)' }),
  ),
});
export const ChatPicture = t.Object({
  url: t.Union([t.String(), t.Null()], { description: 'null when the chat has no picture or hides it' }),
});

export const EditMessage = t.Object(
  {
    text: t.String({ minLength: 1, maxLength: 65536 }),
    linkPreview: t.Optional(t.Boolean({ default: true })),
    linkPreviewHighQuality: t.Optional(t.Boolean({ description: 'Accepted; WEBJS has one preview quality' })),
    mentions: t.Optional(t.Array(t.String({ pattern: '^\\d{5,20}@c\\.us$' }), { maxItems: 256 })),
  },
  { examples: [{ text: 'Hello, edited' }] },
);

export const PinMessage = t.Object(
  {
    duration: t.Union([t.Literal(86400), t.Literal(604800), t.Literal(2592000)], {
      description: 'Seconds: 24 hours (86400), 7 days (604800) or 30 days (2592000)',
      error: 'duration must be 86400 (24 hours), 604800 (7 days) or 2592000 (30 days)',
    }),
  },
  { examples: [{ duration: 86400 }] },
);

/** WAHA's `Result`. */
export const Success = t.Object({ success: t.Boolean() });
