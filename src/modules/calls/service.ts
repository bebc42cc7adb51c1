import type { Clients } from '../../engine/types';

/** Calls: rejecting an incoming one (whatsapp-web.js can neither answer nor end one). */
export class CallsService {
  constructor(private readonly clients: Clients) {}

  async reject(session: string, from: string, callId: string) {
    const id = from.includes('@') ? from : `${from}@c.us`;
    await this.clients.client(session).calls.reject(id, callId);
    return { success: true };
  }
}
