import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { Success } from '../chats/model';
import { CallsParams, RejectCall } from './model';
import type { CallsService } from './service';

/** Calls: reject an incoming call (call.rejected follows; call.received announced it). */
export const callRoutes = (calls: CallsService) =>
  new Elysia({ tags: ['Calls'] }).post(
    '/api/:session/calls/reject',
    async ({ params, body, set }) => {
      const r = await calls.reject(params.session, body.from, body.id);
      set.status = 201;
      return r;
    },
    {
      params: CallsParams,
      body: RejectCall,
      detail: { summary: 'Reject an incoming call', operationId: 'CallsController_rejectCall' },
      response: { 201: Success, ...errorResponses(400, 401, 404, 422, 502) },
    },
  );
