import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { Success } from '../chats/model';
import { DeleteStatus, ImageStatus, PostedStatus, StatusParams, TextStatus, VideoStatus, VoiceStatus } from './model';
import type { StatusService } from './service';

const errors = errorResponses(400, 401, 404, 413, 422, 502);
const created = <T>(set: { status?: number | string }, value: T) => {
  set.status = 201;
  return value;
};

/** Status (stories): post text, image, voice and video; delete a post. */
export const statusRoutes = (status: StatusService) =>
  new Elysia({ tags: ['Status'] })
    .post('/api/:session/status/text', async ({ params, body, set }) => created(set, await status.text(params.session, body)), {
      params: StatusParams,
      body: TextStatus,
      detail: { summary: 'Post a text status (answers the posted message)', operationId: 'StatusController_sendTextStatus' },
      response: { 201: PostedStatus, ...errors },
    })
    .post('/api/:session/status/image', async ({ params, body, set }) => created(set, await status.image(params.session, body)), {
      params: StatusParams,
      body: ImageStatus,
      detail: { summary: 'Post an image status', operationId: 'StatusController_sendImageStatus' },
      response: { 201: PostedStatus, ...errors },
    })
    .post('/api/:session/status/voice', async ({ params, body, set }) => created(set, await status.voice(params.session, body)), {
      params: StatusParams,
      body: VoiceStatus,
      detail: {
        summary: 'Post a voice status (Opus in Ogg; convert: true converts with ffmpeg)',
        operationId: 'StatusController_sendVoiceStatus',
      },
      response: { 201: PostedStatus, ...errors, ...errorResponses(503) },
    })
    .post('/api/:session/status/video', async ({ params, body, set }) => created(set, await status.video(params.session, body)), {
      params: StatusParams,
      body: VideoStatus,
      detail: { summary: 'Post a video status (MP4; convert: true converts with ffmpeg)', operationId: 'StatusController_sendVideoStatus' },
      response: { 201: PostedStatus, ...errors, ...errorResponses(503) },
    })
    .post('/api/:session/status/delete', async ({ params, body, set }) => created(set, await status.delete(params.session, body)), {
      params: StatusParams,
      body: DeleteStatus,
      detail: { summary: 'Delete one of my status posts', operationId: 'StatusController_deleteStatus' },
      response: { 201: Success, ...errors },
    })
    .get('/api/:session/status/new-message-id', ({ params }) => status.newMessageId(params.session), {
      params: StatusParams,
      detail: {
        summary: 'A message id made in advance (not implemented by the WEBJS engine: 501)',
        operationId: 'StatusController_getNewMessageId',
      },
      response: { 200: t.Object({ id: t.String() }), ...errors, ...errorResponses(501) },
    });
