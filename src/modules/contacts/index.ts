import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';

import { Success } from '../chats/model';
import {
  About,
  CheckExistsQuery,
  Contact,
  ContactAction,
  ContactQuery,
  ContactsQuery,
  Count,
  LidParams,
  LidsParams,
  LidsQuery,
  LidToPhoneNumber,
  NumberExists,
  PhoneParams,
  ProfilePicture,
  SaveContact,
  SaveContactParams,
  SessionContact,
  SessionContactParams,
} from './model';

import type { ContactsService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);
const created = <T>(set: { status?: number | string }, value: T) => {
  set.status = 201;
  return value;
};

/** Contacts, number lookup, profile pictures, blocking, the address book, and LID ↔ phone-number mappings. */
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
    })
    .get('/api/contacts/about', ({ query }) => contacts.about(query.session, query.contactId), {
      query: ContactQuery,
      detail: { summary: "A contact's about text (null when they hide it)", operationId: 'ContactsController_getAbout' },
      response: { 200: About, ...errors },
    })
    .post('/api/contacts/block', async ({ body, set }) => created(set, await contacts.block(body.session, body.contactId, true)), {
      body: ContactAction,
      detail: { summary: 'Block a contact', operationId: 'ContactsController_block' },
      response: { 201: Success, ...errors },
    })
    .post('/api/contacts/unblock', async ({ body, set }) => created(set, await contacts.block(body.session, body.contactId, false)), {
      body: ContactAction,
      detail: { summary: 'Unblock a contact', operationId: 'ContactsController_unblock' },
      response: { 201: Success, ...errors },
    })
    .get('/api/:session/contacts/:id', ({ params }) => contacts.sessionContact(params.session, params.id), {
      params: SessionContactParams,
      detail: { summary: 'One contact (id as a string)', operationId: 'ContactsSessionController_get' },
      response: { 200: SessionContact, ...errors },
    })
    .put('/api/:session/contacts/:chatId', ({ params, body }) => contacts.save(params.session, params.chatId, body), {
      params: SaveContactParams,
      body: SaveContact,
      detail: { summary: "Save or rename a phone number in the phone's address book", operationId: 'ContactsSessionController_put' },
      response: { 200: Success, ...errors },
    })
    .get('/api/:session/lids', ({ params, query }) => contacts.lids(params.session, query), {
      params: LidsParams,
      query: LidsQuery,
      detail: { summary: 'The LID ↔ phone-number mappings WhatsApp Web knows, by LID', operationId: 'LidsController_getAll' },
      response: { 200: t.Array(LidToPhoneNumber), ...errors },
    })
    .get('/api/:session/lids/count', ({ params }) => contacts.lidsCount(params.session), {
      params: LidsParams,
      detail: { summary: 'How many LID mappings WhatsApp Web knows', operationId: 'LidsController_getLidsCount' },
      response: { 200: Count, ...errors },
    })
    .get('/api/:session/lids/pn/:phoneNumber', ({ params }) => contacts.lidOf(params.session, params.phoneNumber), {
      params: PhoneParams,
      detail: { summary: 'The LID of a phone number (WhatsApp is asked when unknown)', operationId: 'LidsController_findLIDByPhoneNumber' },
      response: { 200: LidToPhoneNumber, ...errors },
    })
    .get('/api/:session/lids/:lid', ({ params }) => contacts.phoneOf(params.session, params.lid), {
      params: LidParams,
      detail: { summary: 'The phone number of a LID (WhatsApp is asked when unknown)', operationId: 'LidsController_findPNByLid' },
      response: { 200: LidToPhoneNumber, ...errors },
    });
