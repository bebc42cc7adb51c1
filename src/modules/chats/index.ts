import { Elysia, t } from 'elysia';
import { errorResponses, WAMessage } from '../../model';
import {
  Chat,
  ChatMessageParams,
  ChatMessagesParams,
  ChatParams,
  ChatSummary,
  ChatsQuery,
  MessageQuery,
  MessagesQuery,
  OverviewBody,
  OverviewQuery,
  ReadQuery,
  ReadResult,
} from './model';
import type { ChatsService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Chats'] },
});

/** WAHA's chat routes: the list, the overview its dashboard shows, history, one message, reading a chat. */
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
    );
