import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { CheckExistsQuery, Contact, ContactQuery, ContactsQuery, NumberExists, ProfilePicture } from './model';
import type { ContactsService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);

/** Contacts, number lookup and profile pictures. */
export const contactRoutes = (contacts: ContactsService) =>
  new Elysia({ tags: ['Contacts'] })
    .get('/api/contacts/check-exists', ({ query }) => contacts.checkExists(query.session, query.phone), {
      query: CheckExistsQuery,
      detail: { summary: 'Is this phone number on WhatsApp?' },
      response: { 200: NumberExists, ...errors },
    })
    .get('/api/contacts/all', ({ query: { session, ...page } }) => contacts.all(session, page), {
      query: ContactsQuery,
      detail: { summary: 'Get all contacts', operationId: 'ContactsController_getAll', tags: ['Contacts'] },
      response: { 200: t.Array(Contact), ...errors },
    })
    .get('/api/contacts/profile-picture', ({ query }) => contacts.profilePicture(query.session, query.contactId), {
      query: ContactQuery,
      detail: { summary: 'Profile picture URL of a contact (null when hidden)' },
      response: { 200: ProfilePicture, ...errors },
    })
    .get('/api/contacts', ({ query }) => contacts.get(query.session, query.contactId), {
      query: ContactQuery,
      detail: { summary: 'One contact' },
      response: { 200: Contact, ...errors },
    });
