import { Elysia, t } from 'elysia';
import { NotFoundError } from '../../errors';
import { errorResponses } from '../../model';
import type { WorkingEngines } from '../messages/service';
import { CheckExistsQuery, Contact, ContactQuery, NumberExists, ProfilePicture, SessionQuery } from './model';

const errors = errorResponses(400, 401, 404, 422);

/** Contacts, number lookup and profile pictures. */
export const contactRoutes = (engines: WorkingEngines) =>
  new Elysia({ tags: ['Contacts'] })
    .get(
      '/api/contacts/check-exists',
      async ({ query }) => {
        const chatId = await engines.working(query.session).checkNumber(query.phone.replace(/\D/g, ''));
        return chatId ? { numberExists: true, chatId } : { numberExists: false };
      },
      {
        query: CheckExistsQuery,
        detail: { summary: 'Is this phone number on WhatsApp?' },
        response: { 200: NumberExists, ...errors },
      },
    )
    .get('/api/contacts/all', ({ query }) => engines.working(query.session).getContacts(), {
      query: SessionQuery,
      detail: { summary: 'All contacts' },
      response: { 200: t.Array(Contact), ...errors },
    })
    .get(
      '/api/contacts/profile-picture',
      async ({ query }) => ({
        profilePictureURL: await engines.working(query.session).profilePictureUrl(query.contactId),
      }),
      {
        query: ContactQuery,
        detail: { summary: 'Profile picture URL of a contact (null when hidden)' },
        response: { 200: ProfilePicture, ...errors },
      },
    )
    .get(
      '/api/contacts',
      async ({ query }) => {
        const contact = await engines.working(query.session).getContact(query.contactId);
        if (!contact) throw new NotFoundError(`Contact '${query.contactId}' not found in session '${query.session}'.`);
        return contact;
      },
      {
        query: ContactQuery,
        detail: { summary: 'One contact' },
        response: { 200: Contact, ...errors },
      },
    );
