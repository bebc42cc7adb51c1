/** Contacts, number lookup and profile pictures over a ready whatsapp-web.js client. */
import type { ContactCalls, Plain } from '../types';
import type { WebjsContext } from './context';
import { toPlain, widString } from './mapping';

export class WebjsContacts implements ContactCalls {
  constructor(private readonly ctx: WebjsContext) {}

  async list(): Promise<Plain[]> {
    return (await this.ctx.client.getContacts()).map(toPlain);
  }

  async get(contactId: string): Promise<Plain | null> {
    try {
      return toPlain(await this.ctx.client.getContactById(contactId));
    } catch {
      return null;
    }
  }

  async checkNumber(phone: string): Promise<string | null> {
    return widString(await this.ctx.client.getNumberId(phone));
  }

  async profilePictureUrl(contactId: string): Promise<string | null> {
    return (await this.ctx.client.getProfilePicUrl(contactId)) ?? null;
  }
}
