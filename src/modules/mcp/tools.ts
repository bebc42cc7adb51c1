/**
 * The MCP tools: each is a thin call of the service the matching HTTP route uses, and each is
 * allowed exactly when that route would be for the same key (src/http/access.ts), so an agent
 * with a session-bound key reaches only that session. No Elysia here.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { SESSION_NAME_HINT, SESSION_NAME_PATTERN } from '../../config';
import { HttpError } from '../../errors';
import { type Principal, type RouteRequest, refusal } from '../../http/access';
import type { ChatsService } from '../chats/service';
import type { ContactsService } from '../contacts/service';
import type { GroupsService } from '../groups/service';
import { CHAT_ID_HINT, CHAT_ID_INPUT_PATTERN, normalizeChatId } from '../messages/chat-id';
import type { MessagingService } from '../messages/service';
import type { SessionManager } from '../sessions/service';

export interface McpServices {
  sessions: SessionManager;
  chats: ChatsService;
  contacts: ContactsService;
  groups: GroupsService;
  messaging: MessagingService;
}

const session = z.string().regex(new RegExp(SESSION_NAME_PATTERN), SESSION_NAME_HINT).describe('Session name, e.g. default');
const chatId = z
  .string()
  .regex(new RegExp(CHAT_ID_INPUT_PATTERN), `chatId must be ${CHAT_ID_HINT}`)
  .transform(normalizeChatId)
  .describe(CHAT_ID_HINT);

type Result = { content: { type: 'text'; text: string }[]; isError?: boolean };
const ok = (value: unknown): Result => ({ content: [{ type: 'text', text: JSON.stringify(value ?? null) }] });
const failed = (message: string): Result => ({ content: [{ type: 'text', text: message }], isError: true });

/** Runs a tool as `route` would run for `principal`: refused the same way, errors as the route's message. */
async function as(principal: Principal, route: RouteRequest, run: () => Promise<unknown>): Promise<Result> {
  const why = refusal(principal, route);
  if (why) return failed(`403: ${why}`);
  try {
    return ok(await run());
  } catch (err) {
    if (err instanceof HttpError) return failed(`${err.status}: ${err.message}`);
    throw err;
  }
}

/** Registers the tools on a server made for one request by `principal`. */
export function registerTools(server: McpServer, s: McpServices, principal: Principal): void {
  server.registerTool(
    'list_sessions',
    { title: 'List sessions', description: 'The WhatsApp sessions this key may use, with their status and account.' },
    async () =>
      as(principal, { method: 'GET', route: '/api/sessions' }, async () => {
        const all = s.sessions.list(true);
        return principal.kind === 'admin' ? all : all.filter((x) => x.name === principal.session);
      }),
  );
  server.registerTool(
    'list_chats',
    {
      title: 'List chats',
      description: "A session's chats, most recently active first.",
      inputSchema: { session, limit: z.number().int().min(1).max(200).default(20), offset: z.number().int().min(0).default(0) },
    },
    async (a) =>
      as(principal, { method: 'GET', route: '/api/:session/chats', params: { session: a.session } }, () =>
        s.chats.list(a.session, { limit: a.limit, offset: a.offset, sortBy: 'conversationTimestamp', sortOrder: 'desc' }),
      ),
  );
  server.registerTool(
    'read_messages',
    {
      title: 'Read messages',
      description: "The newest messages of a chat, oldest first, in WAHA's message shape (media not downloaded).",
      inputSchema: { session, chatId, limit: z.number().int().min(1).max(200).default(20) },
    },
    async (a) =>
      as(
        principal,
        { method: 'GET', route: '/api/:session/chats/:chatId/messages', params: { session: a.session, chatId: a.chatId } },
        () => s.chats.messages(a.session, a.chatId, { limit: a.limit, downloadMedia: false, sortOrder: 'asc' }),
      ),
  );
  server.registerTool(
    'send_text',
    {
      title: 'Send a text message',
      description: 'Sends a text message to a chat; answers the sent message.',
      inputSchema: {
        session,
        chatId,
        text: z.string().min(1).max(65536),
        reply_to: z.string().optional().describe('Message id to reply to'),
      },
    },
    async (a) =>
      as(principal, { method: 'POST', route: '/api/sendText', body: { session: a.session } }, () =>
        s.messaging.sendText({ session: a.session, chatId: a.chatId, text: a.text, reply_to: a.reply_to || undefined, linkPreview: true }),
      ),
  );
  server.registerTool(
    'check_number',
    {
      title: 'Check a phone number',
      description: 'Whether a phone number is on WhatsApp, and its chat id.',
      inputSchema: { session, phone: z.string().regex(/^\+?[\d\s()-]{5,30}$/, 'a phone number with its country code') },
    },
    async (a) =>
      as(principal, { method: 'GET', route: '/api/contacts/check-exists', query: { session: a.session } }, () =>
        s.contacts.checkExists(a.session, a.phone),
      ),
  );
  server.registerTool(
    'list_groups',
    { title: 'List groups', description: "The groups of a session's account, without their member lists.", inputSchema: { session } },
    async (a) =>
      as(principal, { method: 'GET', route: '/api/:session/groups', params: { session: a.session } }, () =>
        s.groups.list(a.session, { exclude: 'participants' }),
      ),
  );
}
