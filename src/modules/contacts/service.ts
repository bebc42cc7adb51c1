import type { Clients } from '../../engine/types';
import { NotFoundError } from '../../errors';

/** Contacts, number lookup and profile pictures of a session's account. */
export class ContactsService {
  constructor(private readonly clients: Clients) {}

  async checkExists(session: string, phone: string) {
    const chatId = await this.clients.client(session).contacts.checkNumber(phone.replace(/\D/g, ''));
    return chatId ? { numberExists: true, chatId } : { numberExists: false };
  }

  all(session: string) {
    return this.clients.client(session).contacts.list();
  }

  async profilePicture(session: string, contactId: string) {
    return { profilePictureURL: await this.clients.client(session).contacts.profilePictureUrl(contactId) };
  }

  async get(session: string, contactId: string) {
    const contact = await this.clients.client(session).contacts.get(contactId);
    if (!contact) throw new NotFoundError(`Contact '${contactId}' not found in session '${session}'.`);
    return contact;
  }
}
