import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import {
  DeadLetterDetail,
  DeadLetterPage,
  DeadLetterQuery,
  PruneRequest,
  PruneResult,
  ReplayRequest,
  ReplayResult,
  SeqParams,
  WebhookTarget,
} from './model';
import type { WebhookDeliveryService } from './service';

const created = <T>(set: { status?: number | string }, value: T) => {
  set.status = 201;
  return value;
};

/** Webhook deliveries: each target's queue, the dead letters, replay and pruning. */
export const webhookRoutes = (deliveries: WebhookDeliveryService) =>
  new Elysia({ tags: ['Webhooks'] })
    .get('/api/webhooks/targets', () => deliveries.targets(), {
      detail: {
        operationId: 'WebhooksController_listTargets',
        summary: 'Every webhook target: pending, failing (last error, next attempt), delivered since start, dead letters',
      },
      response: { 200: t.Array(WebhookTarget), ...errorResponses(401) },
    })
    .post('/api/webhooks/targets/prune', ({ body, set }) => created(set, deliveries.prune(body ?? {})), {
      body: t.Optional(PruneRequest),
      detail: {
        operationId: 'WebhooksController_pruneTargets',
        summary: 'Delete targets no config names any more and that have nothing pending',
      },
      response: { 201: PruneResult, ...errorResponses(400, 401) },
    })
    .get('/api/webhooks/dead-letters', ({ query }) => deliveries.deadLetters(query), {
      query: DeadLetterQuery,
      detail: {
        operationId: 'WebhooksController_listDeadLetters',
        summary: 'Events that ran out of retries, newest first (filter by session, target, event; page with before)',
      },
      response: { 200: DeadLetterPage, ...errorResponses(400, 401) },
    })
    .get('/api/webhooks/dead-letters/:seq', ({ params }) => deliveries.deadLetter(params.seq), {
      params: SeqParams,
      detail: { operationId: 'WebhooksController_getDeadLetter', summary: 'One dead letter with the envelope it would send' },
      response: { 200: DeadLetterDetail, ...errorResponses(400, 401, 404) },
    })
    .post('/api/webhooks/dead-letters/replay', ({ body, set }) => created(set, deliveries.replay(body)), {
      body: ReplayRequest,
      detail: {
        operationId: 'WebhooksController_replayDeadLetters',
        summary: "Send dead letters again: back into their target's queue, same event id and body, retries reset",
      },
      response: { 201: ReplayResult, ...errorResponses(400, 401) },
    });
