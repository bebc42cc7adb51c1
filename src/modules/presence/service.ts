import type { Clients, Presence } from '../../engine/types';
import { BadRequestError, NotImplementedError } from '../../errors';

/** Presence: mine (online, offline, a chat state in one chat) and contacts' (subscribed, then read). */
export class PresenceService {
  /** `noted`: told the account's presence once set (a chat state in a chat keeps it online, as WAHA's WEBJS does). */
  constructor(
    private readonly clients: Clients,
    private readonly noted?: (session: string, presence: 'online' | 'offline') => void,
  ) {}

  async set(session: string, presence: Presence, chatId?: string) {
    const client = this.clients.client(session);
    const global = presence === 'online' || presence === 'offline';
    if (global && chatId)
      throw new BadRequestError(`'${presence}' presence works on the global scope and doesn't require 'chatId' field.`, {
        field: 'chatId',
      });
    if (!global && !chatId) throw new BadRequestError(`'${presence}' presence requires 'chatId' field.`, { field: 'chatId' });
    await client.presence.set(presence, chatId);
    this.noted?.(session, presence === 'offline' ? 'offline' : 'online');
    return { success: true };
  }

  get(session: string, chatId: string) {
    return this.clients.client(session).presence.get(chatId);
  }

  async subscribe(session: string, chatId: string) {
    await this.clients.client(session).presence.subscribe(chatId);
    return { success: true };
  }

  /** Not in WAHA's WEBJS engine either (docs/coverage.md). */
  all(session: string): never {
    this.clients.client(session);
    throw new NotImplementedError(
      "The method is not implemented by the 'WEBJS' engine: whatsapp-web.js keeps no list of subscribed presences — use GET /api/{session}/presence/{chatId} per chat, or the presence.update event.",
    );
  }
}
