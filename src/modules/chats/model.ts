import { t } from 'elysia';
import { ChatId } from '../messages/model';

export const SessionParam = t.String({
  pattern: '^[A-Za-z0-9_-]{1,54}$',
  description: 'Session name',
  error: 'session must be 1–54 letters, digits, _ or -',
});
export const ChatParams = t.Object({ session: SessionParam });
export const ChatMessagesParams = t.Object({ session: SessionParam, chatId: ChatId });

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

/** WAHA's message payload (events and chat history). */
export const Message = t.Object(
  {
    id: t.String({ description: 'true_<chat>_<id> / false_<chat>_<id>' }),
    timestamp: t.Number({ description: 'seconds' }),
    from: t.String(),
    fromMe: t.Boolean(),
    source: t.Union([t.Literal('app'), t.Literal('api')]),
    to: t.String(),
    participant: t.Optional(t.Union([t.String(), t.Null()])),
    body: t.String(),
    hasMedia: t.Boolean(),
    media: t.Union([
      t.Null(),
      t.Object({ url: t.Union([t.String(), t.Null()]), mimetype: t.String(), filename: t.Union([t.String(), t.Null()]) }),
    ]),
    ack: t.Number(),
    ackName: t.String(),
    replyTo: t.Optional(
      t.Union([
        t.Null(),
        t.Object({ id: t.String(), participant: t.Optional(t.Union([t.String(), t.Null()])), body: t.Optional(t.String()) }),
      ]),
    ),
  },
  { additionalProperties: true },
);
