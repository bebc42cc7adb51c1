import { t } from 'elysia';

import { chatIdField } from '../messages/model';
import { SessionName, SessionNameOrDefault } from '../sessions/model';

const Session = SessionNameOrDefault;
/** A contact id as WAHA takes it: `14155550123@c.us`, a LID, or the bare phone number; normalized like every chat id. */
export const ContactId = chatIdField('contactId', 'e.g. 14155550123@c.us, 14155550123 or +1 415 555 0123');

export const CheckExistsQuery = t.Object({
  session: Session,
  phone: t.String({
    pattern: '^\\+?[\\d\\s()-]{5,30}$',
    description: 'Phone number with country code, digits only',
    error: 'phone must be a phone number with its country code, e.g. 14155550123',
  }),
});
export const ContactQuery = t.Object({ session: Session, contactId: ContactId });
export const SessionQuery = t.Object({ session: Session });
export const ContactsQuery = t.Object({
  session: Session,
  sortBy: t.Optional(
    t.Union([t.Literal('id'), t.Literal('name')], { description: 'Sort by field', error: "sortBy must be 'id' or 'name'" }),
  ),
  sortOrder: t.Optional(
    t.Union([t.Literal('desc'), t.Literal('asc')], {
      description: 'asc when left out (as WAHA)',
      error: "sortOrder must be 'desc' or 'asc'",
    }),
  ),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100000, error: 'limit must be a whole number from 1 to 100000' })),
  offset: t.Optional(t.Integer({ minimum: 0, error: 'offset must be a whole number, 0 or more' })),
});

export const NumberExists = t.Object({ numberExists: t.Boolean(), chatId: t.Optional(t.String()) });
export const Contact = t.Record(t.String(), t.Unknown(), {
  description:
    'whatsapp-web.js contact with id as a string (as WAHA answers it): id, number, name, pushname, shortName, isBusiness, isMyContact, …',
});
export const ProfilePicture = t.Object({ profilePictureURL: t.Union([t.String(), t.Null()]) });

export const ContactAction = t.Object(
  { session: Session, contactId: ContactId },
  { examples: [{ session: 'default', contactId: '15550100001@c.us' }] },
);
export const About = t.Object({ about: t.Union([t.String(), t.Null()], { description: 'null when the contact hides it' }) });

export const SessionContactParams = t.Object({ session: SessionName, id: ContactId });
export const SaveContactParams = t.Object({
  session: SessionName,
  chatId: chatIdField('chatId', 'The phone number: 14155550123@c.us, 14155550123 or +1 415 555 0123'),
});
export const SaveContact = t.Object(
  { firstName: t.String({ minLength: 1, maxLength: 100 }), lastName: t.String({ maxLength: 100 }) },
  { examples: [{ firstName: 'John', lastName: 'Doe' }] },
);
/** A contact as WAHA's session route answers it: the library's contact with `id` as a string. */
export const SessionContact = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js contact with id as a string: id, number, name, pushname, shortName, isMyContact, isBlocked, …',
});

export const LidsParams = t.Object({ session: SessionName });
export const LidsQuery = t.Object({
  limit: t.Integer({ minimum: 1, maximum: 10000, default: 100, error: 'limit must be a whole number from 1 to 10000' }),
  offset: t.Integer({ minimum: 0, default: 0, error: 'offset must be a whole number, 0 or more' }),
});
export const LidParams = t.Object({
  session: SessionName,
  lid: t.String({
    pattern: '^\\d{5,20}(@lid)?$',
    description: 'A LID, with or without @lid',
    examples: ['800015550100000@lid'],
    error: 'lid must be a LID like 123456789012345@lid (or its digits)',
  }),
});
export const PhoneParams = t.Object({
  session: SessionName,
  phoneNumber: t.String({
    pattern: '^\\+?\\d{5,20}(@c\\.us|@lid)?$',
    description: 'A phone number (digits, or its @c.us id)',
    examples: ['15550100000'],
    error: 'phoneNumber must be a phone number like 14155550123 (or 14155550123@c.us)',
  }),
});
export const LidToPhoneNumber = t.Object({
  lid: t.Union([t.String(), t.Null()], { description: 'The LID, e.g. 123456789012345@lid' }),
  pn: t.Union([t.String(), t.Null()], { description: 'The phone-number id, e.g. 14155550123@c.us' }),
});
export const Count = t.Object({ count: t.Integer() });
