/** Schemas of the chat routes (WAHA's ChatsController). Types come from these, never in parallel. */
import { t } from 'elysia';
import { EXAMPLE_CHAT_ID, requestBody, WAMessage } from '../../model';
import { ChatId, chatIdField, Mentions, MessageId } from '../messages/model';
import { SessionName } from '../sessions/model';

export const ChatParams = t.Object({ session: SessionName });
export const ChatMessagesParams = t.Object({ session: SessionName, chatId: ChatId });
export const ChatMessageParams = t.Object({ session: SessionName, chatId: ChatId, messageId: MessageId });

const Merge = t.Optional(
  t.Boolean({
    default: true,
    error: 'merge must be true or false',
    description: "Merge LID (@lid) and phone-number (@c.us) chats of the same person (WhatsApp Web's known mappings)",
  }),
);
const Limit = (max: number) => t.Integer({ minimum: 1, maximum: max, error: `limit must be a whole number from 1 to ${max}` });
const Offset = t.Integer({ minimum: 0, description: 'How many to skip', error: 'offset must be a whole number, 0 or more' });
const SortOrder = t.Union([t.Literal('desc'), t.Literal('asc')], { error: "sortOrder must be 'desc' or 'asc'" });

export const ChatsQuery = t.Object({
  sortBy: t.Optional(
    t.Union([t.Literal('conversationTimestamp'), t.Literal('id'), t.Literal('name')], {
      description: "Sort by field; left out: WhatsApp Web's own order",
      error: "sortBy must be 'conversationTimestamp', 'id' or 'name'",
    }),
  ),
  sortOrder: t.Optional(t.Union(SortOrder.anyOf, { description: 'asc when left out (as WAHA)', error: SortOrder.error })),
  merge: Merge,
  limit: t.Optional(Limit(1000)),
  offset: t.Optional(Offset),
});

/** The chats a GET overview asks for: `ids` repeated (`?ids=a&ids=b`) or once. */
const Ids = t.Array(chatIdField('ids'), { maxItems: 1000, description: 'Only these chats', examples: [['15550100001@c.us']] });

export const OverviewQuery = t.Object({
  merge: Merge,
  limit: t.Integer({ minimum: 1, maximum: 1000, default: 20, error: 'limit must be a whole number from 1 to 1000' }),
  offset: t.Optional(Offset),
  ids: t.Optional(Ids),
});

export const OverviewBody = t.Object(
  {
    pagination: t.Object({
      merge: Merge,
      limit: t.Integer({ minimum: 1, maximum: 1000, default: 20, error: 'pagination.limit must be a whole number from 1 to 1000' }),
      offset: t.Optional(t.Integer({ minimum: 0, error: 'pagination.offset must be a whole number, 0 or more' })),
    }),
    filter: t.Optional(t.Object({ ids: t.Optional(Ids) })),
  },
  requestBody('OverviewBodyRequest', { pagination: { limit: 10, offset: 0 }, filter: { ids: [EXAMPLE_CHAT_ID] } }),
);

/** WAHA's ChatSummary. */
export const ChatSummary = t.Object(
  {
    id: t.String({ examples: ['15550100001@c.us'] }),
    name: t.Union([t.String(), t.Null()]),
    picture: t.Union([t.String(), t.Null()], { description: 'Profile picture URL (asked of WhatsApp at most once a day per chat)' }),
    lastMessage: t.Union([WAMessage, t.Null()]),
    _chat: t.Record(t.String(), t.Unknown(), { description: "whatsapp-web.js's chat object" }),
  },
  { $id: '#/components/schemas/ChatSummary' },
);

const ACKS = ['ERROR', 'PENDING', 'SERVER', 'DEVICE', 'READ', 'PLAYED'] as const;

export const MessagesQuery = t.Object({
  limit: t.Integer({ minimum: 1, maximum: 1000, default: 10, error: 'limit must be a whole number from 1 to 1000' }),
  offset: t.Optional(
    t.Integer({
      minimum: 0,
      description: 'Messages skipped, counted from the newest: the next page is offset + limit',
      error: 'offset must be a whole number, 0 or more',
    }),
  ),
  downloadMedia: t.Boolean({
    default: true,
    description: 'Store (or, without a media store, inline) each media and link it in media.url',
    error: 'downloadMedia must be true or false',
  }),
  sortBy: t.Optional(
    t.Union([t.Literal('timestamp'), t.Literal('messageTimestamp')], {
      description: 'Both mean the message time (WAHA)',
      error: "sortBy must be 'timestamp' or 'messageTimestamp'",
    }),
  ),
  sortOrder: t.Optional(
    t.Union(SortOrder.anyOf, { description: 'Order of the page: desc (newest first, the default) or asc', error: SortOrder.error }),
  ),
  merge: Merge,
  'filter.timestamp.lte': t.Optional(
    t.Integer({ description: 'Only messages at or before this time (seconds)', error: 'filter.timestamp.lte must be a time in seconds' }),
  ),
  'filter.timestamp.gte': t.Optional(
    t.Integer({ description: 'Only messages at or after this time (seconds)', error: 'filter.timestamp.gte must be a time in seconds' }),
  ),
  'filter.fromMe': t.Optional(
    t.Boolean({ description: 'Only mine (true) or only theirs (false)', error: 'filter.fromMe must be true or false' }),
  ),
  'filter.ack': t.Optional(
    t.Union(
      ACKS.map((a) => t.Literal(a)),
      { description: 'Only messages with this ack', error: `filter.ack must be one of ${ACKS.join(', ')}` },
    ),
  ),
});
export type MessagesQuery = typeof MessagesQuery.static;

export const MessageQuery = t.Object({
  downloadMedia: t.Boolean({
    default: true,
    description: 'Store (or inline) the media and link it in media.url',
    error: 'downloadMedia must be true or false',
  }),
  merge: Merge,
});

export const ReadQuery = t.Object({
  messages: t.Optional(
    t.Integer({
      minimum: 1,
      description: 'How many of the latest messages to read (WAHA); WhatsApp Web marks the whole chat read',
      error: 'messages must be a whole number, 1 or more',
    }),
  ),
  days: t.Optional(
    t.Integer({
      minimum: 0,
      default: 7,
      description: 'How many days back to read (WAHA); WhatsApp Web marks the whole chat read',
      error: 'days must be a whole number, 0 or more',
    }),
  ),
});
export const ReadResult = t.Object({
  ids: t.Union([t.Array(t.String()), t.Null()], {
    description: "The ids read: null with WEBJS, which marks the chat read as a whole (WAHA's answer)",
  }),
});

/** whatsapp-web.js's chat object as WAHA returns it. */
export const Chat = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js chat object: id {server, user, _serialized}, name, isGroup, unreadCount, timestamp, archived, pinned, …',
});

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
    mentions: Mentions,
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
