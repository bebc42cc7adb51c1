import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { ChatLabelsParams, DeleteResult, Label, LabelBody, LabelChat, LabelParams, LabelsParams, SetLabels } from './model';
import type { LabelsService } from './service';

const errors = errorResponses(400, 401, 403, 404, 422, 502);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Labels'] },
});
const business = 'Labels exist on WhatsApp Business accounts only (422 for a personal one).';

/** WhatsApp Business labels: the account's, a chat's, a label's chats. */
export const labelRoutes = (labels: LabelsService) =>
  new Elysia({ tags: ['Labels'] })
    .get('/api/:session/labels', ({ params }) => labels.list(params.session), {
      params: LabelsParams,
      ...doc('LabelsController_getAll', 'Get all labels', 'Empty on a personal account.'),
      response: { 200: t.Array(Label), ...errors },
    })
    .post(
      '/api/:session/labels',
      async ({ params, body, set }) => {
        const label = await labels.create(params.session, body);
        set.status = 201;
        return label;
      },
      {
        params: LabelsParams,
        body: LabelBody,
        ...doc('LabelsController_create', 'Create a new label', business),
        response: { 201: Label, ...errors },
      },
    )
    .put('/api/:session/labels/:labelId', ({ params, body }) => labels.update(params.session, params.labelId, body), {
      params: LabelParams,
      body: LabelBody,
      ...doc('LabelsController_update', 'Update a label', business),
      response: { 200: Label, ...errors },
    })
    .delete('/api/:session/labels/:labelId', ({ params }) => labels.delete(params.session, params.labelId), {
      params: LabelParams,
      ...doc('LabelsController_delete', 'Delete a label', business),
      response: { 200: DeleteResult, ...errors },
    })
    .get('/api/:session/labels/chats/:chatId', ({ params }) => labels.chatLabels(params.session, params.chatId), {
      params: ChatLabelsParams,
      ...doc('LabelsController_getChatLabels', 'Get labels for the chat'),
      response: { 200: t.Array(Label), ...errors },
    })
    .put(
      '/api/:session/labels/chats/:chatId',
      async ({ params, body }) => {
        await labels.setChatLabels(params.session, params.chatId, body.labels);
      },
      {
        params: ChatLabelsParams,
        body: SetLabels,
        ...doc('LabelsController_putChatLabels', 'Save labels for the chat', `Replaces the chat's labels with exactly these. ${business}`),
        response: { 200: t.Void(), ...errors },
      },
    )
    .get('/api/:session/labels/:labelId/chats', ({ params }) => labels.chats(params.session, params.labelId), {
      params: LabelParams,
      ...doc('LabelsController_getChatsByLabel', 'Get chats by label'),
      response: { 200: t.Array(LabelChat), ...errors },
    });
