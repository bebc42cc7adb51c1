/** Contacts, number lookup, profile pictures, blocking, the address book and LIDs over a ready whatsapp-web.js client. */
import type { ContactCalls, LidMapping, Plain } from '../types';
import type { WebjsContext } from './context';
import { toPlain, widString } from './mapping';
import { KNOWN_LIDS } from './page';

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

  async about(contactId: string): Promise<string | null> {
    return (await (await this.ctx.client.getContactById(contactId)).getAbout()) ?? null;
  }

  async block(contactId: string, blocked: boolean): Promise<void> {
    const contact = await this.ctx.client.getContactById(contactId);
    if (blocked) await contact.block();
    else await contact.unblock();
  }

  async save(phone: string, firstName: string, lastName: string): Promise<void> {
    await this.ctx.client.saveOrEditAddressbookContact(phone, firstName, lastName, true);
  }

  /** One id at a time: the library answers `{}` (typed `{ lid, pn }`) for a number that is not on WhatsApp. */
  async lidAndPhone(id: string): Promise<LidMapping> {
    const [found] = (await this.ctx.client.getContactLidAndPhone([id])) as { lid?: string; pn?: string }[];
    return { lid: found?.lid ?? null, pn: found?.pn ?? null };
  }

  async knownLids(): Promise<{ lid: string; pn: string }[]> {
    const page = this.ctx.client.pupPage;
    if (!page) return [];
    const lids = await page.evaluate(KNOWN_LIDS);
    return lids;
  }
}
