/** Calls over a ready whatsapp-web.js client: rejecting one, and telling the event mapper it was. */
import type { CallCalls } from '../types';
import type { WebjsContext } from './context';
import { REJECT_CALL } from './page';

export class WebjsCalls implements CallCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async reject(from: string, callId: string): Promise<void> {
    const page = this.ctx.client.pupPage!;
    await page.evaluate(REJECT_CALL, from, callId);
    this.ctx.events.callRejected(from, callId);
  }
}
