import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import type { WorkingEngines } from '../messages/service';
import { Chat, ChatMessagesParams, ChatParams, ChatsQuery, Message, MessagesQuery } from './model';

/** Chat list and chat history (reads go straight to the engine; nothing is cached here). */
export const chatRoutes = (engines: WorkingEngines) =>
  new Elysia({ tags: ['Chats'] })
    .get('/api/:session/chats', ({ params, query }) => engines.working(params.session).getChats(query), {
      params: ChatParams,
      query: ChatsQuery,
      detail: { summary: 'List chats (paged, sorted)' },
      response: { 200: t.Array(Chat), ...errorResponses(400, 401, 404, 422) },
    })
    .get('/api/:session/chats/:chatId/messages', ({ params, query }) => engines.working(params.session).getMessages(params.chatId, query), {
      params: ChatMessagesParams,
      query: MessagesQuery,
      detail: { summary: 'Messages of a chat, newest last' },
      response: { 200: t.Array(Message), ...errorResponses(400, 401, 404, 422) },
    });
