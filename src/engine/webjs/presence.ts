/** Presence over a ready whatsapp-web.js client: mine through the library, others' through WhatsApp Web's modules. */
import type { ChatPresences, Presence, PresenceCalls } from '../types';
import { findChat, type WebjsContext } from './context';
import { presenceName } from './mapping';
import { READ_PRESENCE, SUBSCRIBE_PRESENCE } from './presence-page';

/** How long a read waits for the subscription's answer when the page holds no presence yet. */
export const PRESENCE_ANSWER_WAIT_MS = 3000;

export class WebjsPresence implements PresenceCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async set(presence: Presence, chatId?: string): Promise<void> {
    const { client } = this.ctx;
    if (presence === 'online') return void (await client.sendPresenceAvailable());
    if (presence === 'offline') return void (await client.sendPresenceUnavailable());
    // A chat state is only shown while we are online (WAHA does the same).
    await client.sendPresenceAvailable();
    const chat = await findChat(this.ctx, chatId!);
    if (presence === 'typing') await chat.sendStateTyping();
    else if (presence === 'recording') await chat.sendStateRecording();
    else await chat.clearState();
  }

  async subscribe(chatId: string): Promise<void> {
    await findChat(this.ctx, chatId);
    const page = this.ctx.client.pupPage!;
    await page.evaluate(SUBSCRIBE_PRESENCE, chatId);
  }

  async get(chatId: string): Promise<ChatPresences> {
    await this.subscribe(chatId);
    const page = this.ctx.client.pupPage!;
    const states = await page.evaluate(READ_PRESENCE, chatId, PRESENCE_ANSWER_WAIT_MS);
    return {
      id: chatId,
      presences: states.map((s) => ({
        participant: s.participant,
        lastKnownPresence: presenceName(s.type),
        lastSeen: s.t ?? null,
      })),
    };
  }
}
