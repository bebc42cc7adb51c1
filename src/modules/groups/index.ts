import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import {
  AdminsOnly,
  Count,
  CreateGroup,
  Description,
  Group,
  GroupParams,
  GroupParticipant,
  GroupsParams,
  GroupsQuery,
  JoinGroup,
  JoinGroupResponse,
  JoinInfoQuery,
  LibParticipant,
  Participants,
  ParticipantsResult,
  PictureBody,
  PictureQuery,
  PictureUrl,
  Subject,
  Success,
} from './model';
import type { GroupsService } from './service';

const errors = errorResponses(400, 401, 403, 404, 422, 502);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Groups'] },
});
const refused = 'false when WhatsApp refused: this account may not change it (not an admin, or the group is locked to admins).';

/** WAHA's group routes. POSTs that change a group answer 200 (WAHA's HttpCode), creating one 201. */
export const groupRoutes = (groups: GroupsService) =>
  new Elysia({ tags: ['Groups'] })
    .get('/api/:session/groups', ({ params, query }) => groups.list(params.session, query), {
      params: GroupsParams,
      query: GroupsQuery,
      ...doc('GroupsController_getGroups', 'Get all groups.'),
      response: { 200: t.Array(Group), ...errors },
    })
    .post(
      '/api/:session/groups',
      async ({ params, body, set }) => {
        const group = await groups.create(params.session, body.name, body.participants);
        set.status = 201;
        return group;
      },
      {
        params: GroupsParams,
        body: CreateGroup,
        ...doc('GroupsController_createGroup', 'Create a new group.'),
        response: { 201: Group, ...errors },
      },
    )
    .get('/api/:session/groups/count', ({ params }) => groups.count(params.session), {
      params: GroupsParams,
      ...doc('GroupsController_getGroupsCount', 'Get the number of groups.'),
      response: { 200: Count, ...errors },
    })
    .get('/api/:session/groups/join-info', ({ params, query }) => groups.joinInfo(params.session, query.code), {
      params: GroupsParams,
      query: JoinInfoQuery,
      ...doc(
        'GroupsController_joinInfoGroup',
        'Get info about the group before joining.',
        "WhatsApp Web's own answer: id, owner, subject, desc, size, participants, …",
      ),
      response: { 200: t.Record(t.String(), t.Unknown()), ...errors },
    })
    .post('/api/:session/groups/join', ({ params, body }) => groups.join(params.session, body.code), {
      params: GroupsParams,
      body: JoinGroup,
      ...doc('GroupsController_joinGroup', 'Join group via code'),
      response: { 200: JoinGroupResponse, ...errors },
    })
    .post('/api/:session/groups/refresh', ({ params }) => groups.refresh(params.session), {
      params: GroupsParams,
      ...doc(
        'GroupsController_refreshGroups',
        'Refresh groups from the server.',
        'A no-op with WEBJS: WhatsApp Web keeps the groups up to date itself.',
      ),
      response: { 200: Success, ...errors },
    })
    .get('/api/:session/groups/:id', ({ params }) => groups.get(params.session, params.id), {
      params: GroupParams,
      ...doc('GroupsController_getGroup', 'Get the group.'),
      response: { 200: Group, ...errors },
    })
    .delete('/api/:session/groups/:id', ({ params }) => groups.delete(params.session, params.id), {
      params: GroupParams,
      ...doc(
        'GroupsController_deleteGroup',
        'Delete the group.',
        'Deletes the chat on this device (as WhatsApp Web can): the group itself stays on WhatsApp.',
      ),
      response: { 200: t.Boolean(), ...errors },
    })
    .post(
      '/api/:session/groups/:id/leave',
      async ({ params }) => {
        await groups.leave(params.session, params.id);
      },
      { params: GroupParams, ...doc('GroupsController_leaveGroup', 'Leave the group.'), response: { 200: t.Void(), ...errors } },
    )
    .get('/api/:session/groups/:id/picture', ({ params }) => groups.picture(params.session, params.id), {
      params: GroupParams,
      query: PictureQuery,
      ...doc('GroupsController_getChatPicture', 'Get group picture'),
      response: { 200: PictureUrl, ...errors },
    })
    .put('/api/:session/groups/:id/picture', ({ params, body }) => groups.setPicture(params.session, params.id, body), {
      params: GroupParams,
      body: PictureBody,
      ...doc('GroupsController_setPicture', 'Set group picture', `success: ${refused}`),
      response: { 200: Success, ...errorResponses(400, 401, 403, 404, 413, 422, 502, 504) },
    })
    .delete('/api/:session/groups/:id/picture', ({ params }) => groups.deletePicture(params.session, params.id), {
      params: GroupParams,
      ...doc('GroupsController_deletePicture', 'Delete group picture', `success: ${refused}`),
      response: { 200: Success, ...errors },
    })
    .put('/api/:session/groups/:id/description', ({ params, body }) => groups.setDescription(params.session, params.id, body.description), {
      params: GroupParams,
      body: Description,
      ...doc('GroupsController_setDescription', 'Updates the group description.', `true when updated; ${refused}`),
      response: { 200: t.Boolean(), ...errors },
    })
    .put('/api/:session/groups/:id/subject', ({ params, body }) => groups.setSubject(params.session, params.id, body.subject), {
      params: GroupParams,
      body: Subject,
      ...doc('GroupsController_setSubject', 'Updates the group subject', `true when updated; ${refused}`),
      response: { 200: t.Boolean(), ...errors },
    })
    .put(
      '/api/:session/groups/:id/settings/security/info-admin-only',
      ({ params, body }) => groups.setAdminsOnly(params.session, params.id, 'info', body.adminsOnly),
      {
        params: GroupParams,
        body: AdminsOnly,
        ...doc(
          'GroupsController_setInfoAdminOnly',
          'Updates the group "info admin only" settings.',
          `Only admins edit subject, description and picture. ${refused}`,
        ),
        response: { 200: t.Boolean(), ...errors },
      },
    )
    .get(
      '/api/:session/groups/:id/settings/security/info-admin-only',
      ({ params }) => groups.adminsOnly(params.session, params.id, 'info'),
      {
        params: GroupParams,
        ...doc('GroupsController_getInfoAdminOnly', "Get the group's 'info admin only' settings."),
        response: { 200: AdminsOnly, ...errors },
      },
    )
    .put(
      '/api/:session/groups/:id/settings/security/messages-admin-only',
      ({ params, body }) => groups.setAdminsOnly(params.session, params.id, 'messages', body.adminsOnly),
      {
        params: GroupParams,
        body: AdminsOnly,
        ...doc('GroupsController_setMessagesAdminOnly', 'Update settings - who can send messages', `Only admins send messages. ${refused}`),
        response: { 200: t.Boolean(), ...errors },
      },
    )
    .get(
      '/api/:session/groups/:id/settings/security/messages-admin-only',
      ({ params }) => groups.adminsOnly(params.session, params.id, 'messages'),
      {
        params: GroupParams,
        ...doc('GroupsController_getMessagesAdminOnly', 'Get settings - who can send messages'),
        response: { 200: AdminsOnly, ...errors },
      },
    )
    .get('/api/:session/groups/:id/invite-code', ({ params }) => groups.inviteCode(params.session, params.id), {
      params: GroupParams,
      ...doc('GroupsController_getInviteCode', 'Gets the invite code for the group.', 'Admins only (422 otherwise). The code as text.'),
      response: { 200: t.String(), ...errors },
    })
    .post('/api/:session/groups/:id/invite-code/revoke', ({ params }) => groups.revokeInvite(params.session, params.id), {
      params: GroupParams,
      ...doc(
        'GroupsController_revokeInviteCode',
        'Invalidates the current group invite code and generates a new one.',
        'The new code as text.',
      ),
      response: { 200: t.String(), ...errors },
    })
    .get('/api/:session/groups/:id/participants', ({ params }) => groups.participants(params.session, params.id), {
      params: GroupParams,
      ...doc('GroupsController_getParticipants', 'Get participants'),
      response: { 200: t.Array(LibParticipant), ...errors },
    })
    .get('/api/:session/groups/:id/participants/v2', ({ params }) => groups.members(params.session, params.id), {
      params: GroupParams,
      ...doc('GroupsController_getGroupParticipants', 'Get group participants.'),
      response: { 200: t.Array(GroupParticipant), ...errors },
    })
    .post(
      '/api/:session/groups/:id/participants/add',
      ({ params, body }) => groups.updateParticipants(params.session, params.id, 'add', body.participants),
      {
        params: GroupParams,
        body: Participants,
        ...doc('GroupsController_addParticipants', 'Add participants'),
        response: { 200: ParticipantsResult, ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/participants/remove',
      ({ params, body }) => groups.updateParticipants(params.session, params.id, 'remove', body.participants),
      {
        params: GroupParams,
        body: Participants,
        ...doc('GroupsController_removeParticipants', 'Remove participants'),
        response: { 200: ParticipantsResult, ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/admin/promote',
      ({ params, body }) => groups.updateParticipants(params.session, params.id, 'promote', body.participants),
      {
        params: GroupParams,
        body: Participants,
        ...doc('GroupsController_promoteToAdmin', 'Promote participants to admin users.'),
        response: { 200: ParticipantsResult, ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/admin/demote',
      ({ params, body }) => groups.updateParticipants(params.session, params.id, 'demote', body.participants),
      {
        params: GroupParams,
        body: Participants,
        ...doc('GroupsController_demoteToAdmin', 'Demotes participants to regular users.'),
        response: { 200: ParticipantsResult, ...errors },
      },
    );
