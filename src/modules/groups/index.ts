import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { CreateGroup, Group, GroupParams, GroupsParams, Participants } from './model';
import type { GroupsService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);

/** Groups: list, create, get, add and remove participants. */
export const groupRoutes = (groups: GroupsService) =>
  new Elysia({ tags: ['Groups'] })
    .get('/api/:session/groups', ({ params }) => groups.list(params.session), {
      params: GroupsParams,
      detail: { summary: 'Groups this account is in' },
      response: { 200: t.Array(Group), ...errors },
    })
    .post(
      '/api/:session/groups',
      async ({ params, body, set }) => {
        const group = await groups.create(params.session, body.name, body.participants);
        set.status = 201;
        return group;
      },
      { params: GroupsParams, body: CreateGroup, detail: { summary: 'Create a group' }, response: { 201: Group, ...errors } },
    )
    .get('/api/:session/groups/:id', ({ params }) => groups.get(params.session, params.id), {
      params: GroupParams,
      detail: { summary: 'One group with its participants' },
      response: { 200: Group, ...errors },
    })
    .post(
      '/api/:session/groups/:id/participants/add',
      ({ params, body }) => groups.participants(params.session, params.id, 'add', body.participants),
      {
        params: GroupParams,
        body: Participants,
        detail: { summary: 'Add participants' },
        response: { 200: t.Record(t.String(), t.Unknown()), ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/participants/remove',
      ({ params, body }) => groups.participants(params.session, params.id, 'remove', body.participants),
      {
        params: GroupParams,
        body: Participants,
        detail: { summary: 'Remove participants' },
        response: { 200: t.Record(t.String(), t.Unknown()), ...errors },
      },
    );
