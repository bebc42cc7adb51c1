import { t } from 'elysia';
import { SessionNameOrDefault } from '../sessions/model';

const Session = SessionNameOrDefault;
export const ContactId = t.String({
  pattern: '^\\d{5,20}@(c\\.us|lid)$',
  description: 'e.g. 14155550123@c.us',
  error: 'contactId must look like 14155550123@c.us',
});

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

export const NumberExists = t.Object({ numberExists: t.Boolean(), chatId: t.Optional(t.String()) });
export const Contact = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js contact: id, number, name, pushname, shortName, isBusiness, isMyContact, …',
});
export const ProfilePicture = t.Object({ profilePictureURL: t.Union([t.String(), t.Null()]) });
