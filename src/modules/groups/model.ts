/** Schemas of the group routes (WAHA's GroupsController). Types come from these, never in parallel. */
import { t } from 'elysia';
import { EXAMPLE_CHAT_ID, requestBody } from '../../model';
import { FileInput, PIXEL_PNG } from '../messages/model';
import { SessionName } from '../sessions/model';

export const GroupId = t.String({
  pattern: '^[0-9A-Za-z-]{5,40}@g\\.us$',
  description: 'e.g. 120363000000000000@g.us',
  examples: ['120363990000000000@g.us'],
  error: 'id must be a group id like 120363000000000000@g.us',
});
const Participant = t.Object({
  id: t.String({
    pattern: '^\\d{5,20}@(c\\.us|lid)$',
    examples: ['15550100001@c.us'],
    error: 'participant id must look like 14155550123@c.us (or a …@lid)',
  }),
});
const ParticipantList = t.Array(Participant, { minItems: 1, maxItems: 256 });

export const GroupsParams = t.Object({ session: SessionName });
export const GroupParams = t.Object({ session: SessionName, id: GroupId });

export const GroupsQuery = t.Object({
  sortBy: t.Optional(t.Union([t.Literal('id'), t.Literal('subject')], { description: 'Sort by field' })),
  sortOrder: t.Optional(t.Union([t.Literal('asc'), t.Literal('desc')])),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 10000 })),
  offset: t.Optional(t.Integer({ minimum: 0 })),
  exclude: t.Optional(
    t.Union([t.Literal(''), t.Literal('participants'), t.Array(t.Union([t.Literal(''), t.Literal('participants')]))], {
      description: "Fields to leave out: 'participants' drops the member lists",
      error: "exclude must be 'participants' (or left out)",
    }),
  ),
});

export const CreateGroup = t.Object(
  { name: t.String({ minLength: 1, maxLength: 100, examples: ['Project team'] }), participants: ParticipantList },
  requestBody('CreateGroupRequest', { name: 'Project team', participants: [{ id: EXAMPLE_CHAT_ID }] }),
);
export const Participants = t.Object(
  { participants: ParticipantList },
  requestBody('ParticipantsRequest', { participants: [{ id: EXAMPLE_CHAT_ID }] }),
);

/** An invite code, or the invite link it comes in. */
const InviteCode = t.String({
  minLength: 5,
  maxLength: 200,
  pattern: '^(https?://chat\\.whatsapp\\.com/)?[0-9A-Za-z]{5,64}/?$',
  description: 'Group invite code (AbCdEf123) or link (https://chat.whatsapp.com/AbCdEf123)',
  error: 'code must be an invite code or a link like https://chat.whatsapp.com/AbCdEf123',
});
export const JoinInfoQuery = t.Object({ code: InviteCode });
export const JoinGroup = t.Object({ code: InviteCode }, requestBody('JoinGroupRequest', { code: 'https://chat.whatsapp.com/AbCdEf123' }));
export const JoinGroupResponse = t.Object({ id: t.String({ description: 'Group id', examples: ['120363990000000000@g.us'] }) });

export const Subject = t.Object(
  { subject: t.String({ minLength: 1, maxLength: 100, examples: ['Weekend plans'] }) },
  requestBody('SubjectRequest', { subject: 'Weekend plans' }),
);
export const Description = t.Object(
  { description: t.String({ maxLength: 2048, examples: ['What this group is for'] }) },
  requestBody('DescriptionRequest', { description: 'What this group is for' }),
);
export const AdminsOnly = t.Object(
  { adminsOnly: t.Boolean({ default: true, description: 'true: only admins may do it' }) },
  requestBody('SettingsSecurityChangeInfo', { adminsOnly: true }),
);
export const PictureBody = t.Object(
  { file: FileInput },
  requestBody('ProfilePictureRequest', { file: { mimetype: 'image/png', data: PIXEL_PNG } }),
);
export const PictureQuery = t.Object({
  refresh: t.Optional(
    t.Boolean({ default: false, description: 'Accepted for WAHA compatibility: the picture is always asked of WhatsApp' }),
  ),
});
export const PictureUrl = t.Object({ url: t.Union([t.String(), t.Null()]) });
export const Success = t.Object({ success: t.Boolean() });
export const Count = t.Object({ count: t.Integer() });

export const Group = t.Record(t.String(), t.Unknown(), {
  description:
    'whatsapp-web.js group chat: id, name, owner, creation, description, groupMetadata, participants [{id, isAdmin, isSuperAdmin}], …',
});
/** The library's participant: `{ id: { server, user, _serialized }, isAdmin, isSuperAdmin }`. */
export const LibParticipant = t.Record(t.String(), t.Unknown());
export const GroupParticipant = t.Object(
  {
    id: t.String({ description: 'Member id (…@c.us or …@lid)', examples: ['15550100001@c.us'] }),
    pn: t.Union([t.String(), t.Null()], { description: 'The phone-number id, when known' }),
    role: t.Union([t.Literal('left'), t.Literal('participant'), t.Literal('admin'), t.Literal('superadmin')]),
  },
  { $id: '#/components/schemas/GroupParticipant' },
);
/** What the library answers for add / remove / promote / demote. */
export const ParticipantsResult = t.Record(t.String(), t.Unknown());
