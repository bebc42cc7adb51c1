import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { Success } from '../chats/model';
import { ChatPresenceParams, ChatPresences, PresenceParams, SetPresence } from './model';
import type { PresenceService } from './service';

const errors = errorResponses(400, 401, 404, 422, 502);

/** Presence: set mine, read and subscribe to a chat's (`presence.update` events follow). */
export const presenceRoutes = (presence: PresenceService) =>
  new Elysia({ tags: ['Presence'] })
    .post(
      '/api/:session/presence',
      async ({ params, body, set }) => {
        const r = await presence.set(params.session, body.presence, body.chatId);
        set.status = 201;
        return r;
      },
      {
        params: PresenceParams,
        body: SetPresence,
        detail: {
          summary: 'Set my presence: online, offline, or typing / recording / paused in a chat',
          operationId: 'PresenceController_setPresence',
        },
        response: { 201: Success, ...errors },
      },
    )
    .get('/api/:session/presence', ({ params }) => presence.all(params.session), {
      params: PresenceParams,
      detail: {
        summary: 'Every subscribed presence (not implemented by the WEBJS engine: 501)',
        operationId: 'PresenceController_getPresenceAll',
      },
      response: { 200: t.Array(ChatPresences), ...errors, ...errorResponses(501) },
    })
    .get('/api/:session/presence/:chatId', ({ params }) => presence.get(params.session, params.chatId), {
      params: ChatPresenceParams,
      detail: { summary: "A chat's presence (subscribes to it first)", operationId: 'PresenceController_getPresence' },
      response: { 200: ChatPresences, ...errors },
    })
    .post(
      '/api/:session/presence/:chatId/subscribe',
      async ({ params, set }) => {
        const r = await presence.subscribe(params.session, params.chatId);
        set.status = 201;
        return r;
      },
      {
        params: ChatPresenceParams,
        detail: { summary: "Subscribe to a chat's presence (presence.update events)", operationId: 'PresenceController_subscribe' },
        response: { 201: Success, ...errors },
      },
    );
