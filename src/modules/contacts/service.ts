import type { Clients, Plain } from '../../engine/types';
import { BadRequestError, NotFoundError } from '../../errors';
import type { ContactsQuery } from './model';

/** Contacts, number lookup, profile pictures, blocking, the address book and LIDs of a session's account. */
export class ContactsService {
  constructor(private readonly clients: Clients) {}

  async checkExists(session: string, phone: string) {
    const chatId = await this.clients.client(session).contacts.checkNumber(phone.replace(/\D/g, ''));
    return chatId ? { numberExists: true, chatId } : { numberExists: false };
  }

  /** Every contact, `id` as a string (WAHA's toWAContact), sorted and paged as WAHA's in-memory paginator does. */
  async all(session: string, q: Omit<typeof ContactsQuery.static, 'session'> = {}) {
    let contacts = (await this.clients.client(session).contacts.list()).map(withStringId);
    if (q.sortBy) {
      const field = q.sortBy;
      const key = (c: Plain) => (c[field] == null ? null : String(c[field]).toLowerCase());
      const dir = q.sortOrder === 'desc' ? -1 : 1;
      // Missing values sort as the smallest (WAHA's NullLast: last when descending).
      contacts = contacts
        .map((c, i) => ({ c, i, k: key(c) }))
        .sort((a, b) => (a.k === b.k ? a.i - b.i : a.k === null ? -dir : b.k === null ? dir : a.k < b.k ? -dir : dir))
        .map((x) => x.c);
    }
    const from = q.offset ?? 0;
    return contacts.slice(from, q.limit === undefined ? undefined : from + q.limit);
  }

  async profilePicture(session: string, contactId: string) {
    return { profilePictureURL: await this.clients.client(session).contacts.profilePictureUrl(contactId) };
  }

  async get(session: string, contactId: string) {
    const contact = await this.clients.client(session).contacts.get(contactId);
    if (!contact) throw new NotFoundError(`Contact '${contactId}' not found in session '${session}'.`);
    return withStringId(contact);
  }

  async about(session: string, contactId: string) {
    return { about: await this.clients.client(session).contacts.about(contactId) };
  }

  async block(session: string, contactId: string, blocked: boolean) {
    await this.clients.client(session).contacts.block(contactId, blocked);
    return { success: true };
  }

  /** WAHA's session route answers the contact with `id` as a string. */
  async sessionContact(session: string, id: string) {
    const contact = await this.get(session, id);
    const wid = contact.id as { _serialized?: string } | undefined;
    return { ...contact, id: wid?._serialized ?? id };
  }

  async save(session: string, chatId: string, name: { firstName: string; lastName: string }) {
    if (!chatId.endsWith('@c.us'))
      throw new BadRequestError(`chatId must be a phone number (14155550123@c.us or its digits), not '${chatId}'.`, { field: 'chatId' });
    const contacts = this.clients.client(session).contacts;
    await contacts.save(chatId.slice(0, -'@c.us'.length), name.firstName, name.lastName);
    return { success: true };
  }

  async lids(session: string, page: { limit: number; offset: number }) {
    const all = await this.clients.client(session).contacts.knownLids();
    return all.slice(page.offset, page.offset + page.limit);
  }

  async lidsCount(session: string) {
    return { count: (await this.clients.client(session).contacts.knownLids()).length };
  }

  /** The phone number of a LID; WhatsApp is asked when the page does not know it. */
  async phoneOf(session: string, lid: string) {
    const id = lid.includes('@') ? lid : `${lid}@lid`;
    const found = await this.clients.client(session).contacts.lidAndPhone(id);
    return { lid: id, pn: found.pn };
  }

  /** The LID of a phone number (a LID given is answered as itself, as WAHA does). */
  async lidOf(session: string, phone: string) {
    const contacts = this.clients.client(session).contacts;
    if (phone.endsWith('@lid')) return { lid: phone, pn: null };
    const pn = `${phone.replace(/@c\.us$/, '').replace(/\D/g, '')}@c.us`;
    return { lid: (await contacts.lidAndPhone(pn)).lid, pn };
  }
}

/** WAHA answers contacts with `id` as the serialized string, not the library's wid object. */
function withStringId(contact: Plain): Plain {
  const id = contact.id as { _serialized?: string } | string | undefined;
  return { ...contact, id: typeof id === 'object' && id ? (id._serialized ?? id) : id };
}
