import { t } from 'elysia';
import { SessionName } from '../sessions/model';

export const GroupId = t.String({
  pattern: '^[0-9A-Za-z-]{5,40}@g\\.us$',
  description: 'e.g. 120363000000000000@g.us',
  error: 'id must be a group id like 120363000000000000@g.us',
});
const Participant = t.Object({ id: t.String({ pattern: '^\\d{5,20}@c\\.us$', error: 'participant id must look like 14155550123@c.us' }) });

export const GroupsParams = t.Object({ session: SessionName });
export const GroupParams = t.Object({ session: SessionName, id: GroupId });
export const CreateGroup = t.Object({
  name: t.String({ minLength: 1, maxLength: 100 }),
  participants: t.Array(Participant, { minItems: 1, maxItems: 256 }),
});
export const Participants = t.Object({ participants: t.Array(Participant, { minItems: 1, maxItems: 256 }) });
export const Group = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js group chat: id, name, owner, creation, description, participants [{id, isAdmin, isSuperAdmin}], …',
});
