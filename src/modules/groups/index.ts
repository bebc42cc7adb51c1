import { Elysia, t } from 'elysia';
import { NotFoundError } from '../../errors';
import { errorResponses } from '../../model';
import type { WorkingEngines } from '../messages/service';
import { CreateGroup, Group, GroupParams, GroupsParams, Participants } from './model';

const errors = errorResponses(400, 401, 404, 422);
const ids = (list: { id: string }[]) => list.map((p) => p.id);

/** Basic groups: list, create, get, add and remove participants. */
export const groupRoutes = (engines: WorkingEngines) =>
  new Elysia({ tags: ['Groups'] })
    .get('/api/:session/groups', ({ params }) => engines.working(params.session).getGroups(), {
      params: GroupsParams,
      detail: { summary: 'Groups this account is in' },
      response: { 200: t.Array(Group), ...errors },
    })
    .post(
      '/api/:session/groups',
      async ({ params, body, set }) => {
        const group = await engines.working(params.session).createGroup(body.name, ids(body.participants));
        set.status = 201;
        return group;
      },
      {
        params: GroupsParams,
        body: CreateGroup,
        detail: { summary: 'Create a group' },
        response: { 201: Group, ...errors },
      },
    )
    .get(
      '/api/:session/groups/:id',
      async ({ params }) => {
        const group = await engines.working(params.session).getGroup(params.id);
        if (!group) throw new NotFoundError(`Group '${params.id}' not found in session '${params.session}'.`);
        return group;
      },
      {
        params: GroupParams,
        detail: { summary: 'One group with its participants' },
        response: { 200: Group, ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/participants/add',
      async ({ params, body, set }) => {
        set.status = 201;
        return engines.working(params.session).updateParticipants(params.id, 'add', ids(body.participants));
      },
      {
        params: GroupParams,
        body: Participants,
        detail: { summary: 'Add participants' },
        response: { 201: t.Record(t.String(), t.Unknown()), ...errors },
      },
    )
    .post(
      '/api/:session/groups/:id/participants/remove',
      async ({ params, body, set }) => {
        set.status = 201;
        return engines.working(params.session).updateParticipants(params.id, 'remove', ids(body.participants));
      },
      {
        params: GroupParams,
        body: Participants,
        detail: { summary: 'Remove participants' },
        response: { 201: t.Record(t.String(), t.Unknown()), ...errors },
      },
    );
