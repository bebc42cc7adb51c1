import type { Clients, Plain } from '../../engine/types';
import { NotFoundError } from '../../errors';
import type { ContactsQuery } from './model';

/** Contacts, number lookup and profile pictures of a session's account. */
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
}

/** WAHA answers contacts with `id` as the serialized string, not the library's wid object. */
function withStringId(contact: Plain): Plain {
  const id = contact.id as { _serialized?: string } | string | undefined;
  return { ...contact, id: typeof id === 'object' && id ? (id._serialized ?? id) : id };
}
