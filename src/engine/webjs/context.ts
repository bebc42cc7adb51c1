/**
 * What the feature calls of a ready whatsapp-web.js client share: the client, the library (its
 * classes), the event mapper (which needs to know our own sends), and lookups that answer 404
 * with what to do instead of the library's `undefined`.
 */
import type { Chat, Client, Message } from 'whatsapp-web.js';
import { NotFoundError } from '../../errors';
import type { MessageEvents } from './events';
import type { PictureCache } from './pictures';

export type Lib = typeof import('whatsapp-web.js');

export interface WebjsContext {
  client: Client;
  lib: Lib;
  events: MessageEvents;
  /** Profile pictures asked of WhatsApp at most once a day per chat (the chats overview). */
  pictures: PictureCache;
}

export const chatNotFound = (chatId: string) =>
  new NotFoundError(
    `Chat '${chatId}' not found — use an id like 14155550123@c.us or …@g.us; GET /api/contacts/check-exists tells whether a number is on WhatsApp.`,
  );

export async function findChat(ctx: WebjsContext, chatId: string): Promise<Chat> {
  let chat: Chat | undefined;
  try {
    chat = await ctx.client.getChatById(chatId);
  } catch {
    chat = undefined;
  }
  if (!chat) throw chatNotFound(chatId);
  return chat;
}

export async function findMessage(ctx: WebjsContext, messageId: string): Promise<Message> {
  const msg = await ctx.client.getMessageById(messageId);
  if (!msg) throw new NotFoundError(`Message '${messageId}' not found — use the full id, e.g. true_14155550123@c.us_3EB0…`);
  return msg;
}
