import { Elysia, t } from 'elysia';
import { errorResponses, WAMessage } from '../../model';
import { SentMessage } from '../messages/model';
import {
  Chat,
  ChatMessageParams,
  ChatMessagesParams,
  ChatParams,
  ChatPicture,
  ChatPictureQuery,
  ChatSummary,
  ChatsQuery,
  EditMessage,
  MessageQuery,
  MessagesQuery,
  OverviewBody,
  OverviewQuery,
  PinMessage,
  ReadQuery,
  ReadResult,
  Success,
} from './model';
import type { ChatsService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Chats'] },
});
const created = <T>(set: { status?: number | string }, value: T) => {
  set.status = 201;
  return value;
};

/** WAHA's chat routes: the list, the overview its dashboard shows, history, one message, reading a chat, and acting on a chat or one of its messages. */
export const chatRoutes = (chats: ChatsService) =>
  new Elysia({ tags: ['Chats'] })
    .get('/api/:session/chats', ({ params, query }) => chats.list(params.session, query), {
      params: ChatParams,
      query: ChatsQuery,
      ...doc('ChatsController_getChats', 'Get chats'),
      response: { 200: t.Array(Chat), ...errors },
    })
    .get('/api/:session/chats/overview', ({ params, query }) => chats.overview(params.session, query), {
      params: ChatParams,
      query: OverviewQuery,
      ...doc(
        'ChatsController_getChatsOverview',
        'Get chats overview: id, name, picture, last message — the most recently active first',
        'Repeat ids (?ids=a&ids=b) to narrow it to those chats.',
      ),
      response: { 200: t.Array(ChatSummary), ...errors },
    })
    .post(
      '/api/:session/chats/overview',
      async ({ params, body, set }) => {
        const page = await chats.overviewOf(params.session, body);
        set.status = 201;
        return page;
      },
      {
        params: ChatParams,
        body: OverviewBody,
        ...doc('ChatsController_postChatsOverview', 'Get chats overview (POST, for many ids)'),
        response: { 201: t.Array(ChatSummary), ...errors },
      },
    )
    .get('/api/:session/chats/:chatId/messages', ({ params, query }) => chats.messages(params.session, params.chatId, query), {
      params: ChatMessagesParams,
      query: MessagesQuery,
      ...doc(
        'ChatsController_getChatMessages',
        'Gets messages in the chat',
        'Newest first unless sortOrder=asc; offset counts from the newest, so offset=limit is the next (older) page.',
      ),
      response: { 200: t.Array(WAMessage), ...errors },
    })
    .post(
      '/api/:session/chats/:chatId/messages/read',
      async ({ params, set }) => {
        const result = await chats.read(params.session, params.chatId);
        set.status = 201;
        return result;
      },
      {
        params: ChatMessagesParams,
        query: ReadQuery,
        ...doc('ChatsController_readChatMessages', 'Read unread messages in the chat'),
        response: { 201: ReadResult, ...errors },
      },
    )
    .get(
      '/api/:session/chats/:chatId/messages/:messageId',
      ({ params, query }) => chats.message(params.session, params.chatId, params.messageId, query),
      {
        params: ChatMessageParams,
        query: MessageQuery,
        ...doc('ChatsController_getChatMessage', 'Gets message by id'),
        response: { 200: WAMessage, ...errors },
      },
    )
    .delete('/api/:session/chats/:chatId', ({ params }) => chats.delete(params.session, params.chatId), {
      params: ChatMessagesParams,
      detail: { summary: 'Delete the chat (on this account; the other side keeps theirs)', operationId: 'ChatsController_deleteChat' },
      response: { 200: Success, ...errors },
    })
    .get('/api/:session/chats/:chatId/picture', ({ params }) => chats.picture(params.session, params.chatId), {
      params: ChatMessagesParams,
      query: ChatPictureQuery,
      detail: { summary: "The chat's picture URL (a contact's or a group's)", operationId: 'ChatsController_getChatPicture' },
      response: { 200: ChatPicture, ...errors },
    })
    .delete('/api/:session/chats/:chatId/messages', ({ params }) => chats.clearMessages(params.session, params.chatId), {
      params: ChatMessagesParams,
      detail: { summary: 'Clear all messages of the chat (the chat stays)', operationId: 'ChatsController_clearMessages' },
      response: { 200: Success, ...errors },
    })
    .delete(
      '/api/:session/chats/:chatId/messages/:messageId',
      ({ params }) => chats.deleteMessage(params.session, params.chatId, params.messageId),
      {
        params: ChatMessageParams,
        detail: {
          summary: 'Delete a message for everyone (WhatsApp Web deletes it for you only when that is not allowed)',
          operationId: 'ChatsController_deleteMessage',
        },
        response: { 200: Success, ...errors },
      },
    )
    .put(
      '/api/:session/chats/:chatId/messages/:messageId',
      ({ params, body }) => chats.editMessage(params.session, params.chatId, params.messageId, body),
      {
        params: ChatMessageParams,
        body: EditMessage,
        detail: { summary: 'Edit one of your text messages (within 15 minutes)', operationId: 'ChatsController_editMessage' },
        response: { 200: SentMessage, ...errors },
      },
    )
    .post(
      '/api/:session/chats/:chatId/messages/:messageId/pin',
      async ({ params, body, set }) => created(set, await chats.pin(params.session, params.chatId, params.messageId, body.duration)),
      {
        params: ChatMessageParams,
        body: PinMessage,
        detail: { summary: 'Pin a message in the chat for a day, a week or 30 days', operationId: 'ChatsController_pinMessage' },
        response: { 201: Success, ...errors },
      },
    )
    .post(
      '/api/:session/chats/:chatId/messages/:messageId/unpin',
      async ({ params, set }) => created(set, await chats.unpin(params.session, params.chatId, params.messageId)),
      {
        params: ChatMessageParams,
        detail: { summary: 'Unpin a message', operationId: 'ChatsController_unpinMessage' },
        response: { 201: Success, ...errors },
      },
    )
    .post(
      '/api/:session/chats/:chatId/archive',
      async ({ params, set }) => created(set, await chats.archive(params.session, params.chatId, true)),
      {
        params: ChatMessagesParams,
        detail: { summary: 'Archive the chat', operationId: 'ChatsController_archiveChat' },
        response: { 201: Success, ...errors },
      },
    )
    .post(
      '/api/:session/chats/:chatId/unarchive',
      async ({ params, set }) => created(set, await chats.archive(params.session, params.chatId, false)),
      {
        params: ChatMessagesParams,
        detail: { summary: 'Unarchive the chat', operationId: 'ChatsController_unarchiveChat' },
        response: { 201: Success, ...errors },
      },
    )
    .post(
      '/api/:session/chats/:chatId/unread',
      async ({ params, set }) => created(set, await chats.markUnread(params.session, params.chatId)),
      {
        params: ChatMessagesParams,
        detail: { summary: 'Mark the chat as unread', operationId: 'ChatsController_unreadChat' },
        response: { 201: Success, ...errors },
      },
    );
