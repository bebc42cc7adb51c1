import { t } from 'elysia';
import { chatIdField } from '../messages/model';
import { SessionNameOrDefault } from '../sessions/model';

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
