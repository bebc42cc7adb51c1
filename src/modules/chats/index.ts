import { Elysia, t } from 'elysia';
import { errorResponses, WAMessage } from '../../model';
import { Chat, ChatMessagesParams, ChatParams, ChatsQuery, MessagesQuery } from './model';
import type { ChatsService } from './service';

/** Chat list and chat history. */
export const chatRoutes = (chats: ChatsService) =>
  new Elysia({ tags: ['Chats'] })
    .get('/api/:session/chats', ({ params, query }) => chats.list(params.session, query), {
      params: ChatParams,
      query: ChatsQuery,
      detail: { summary: 'List chats (paged, sorted)' },
      response: { 200: t.Array(Chat), ...errorResponses(400, 401, 404, 422, 502) },
    })
    .get('/api/:session/chats/:chatId/messages', ({ params, query }) => chats.messages(params.session, params.chatId, query), {
      params: ChatMessagesParams,
      query: MessagesQuery,
      detail: { summary: 'Messages of a chat, newest last' },
      response: { 200: t.Array(WAMessage), ...errorResponses(400, 401, 404, 422, 502) },
    });
