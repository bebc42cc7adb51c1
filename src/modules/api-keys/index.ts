import { Elysia, t } from 'elysia';
import { errorResponses } from '../../model';
import { ApiKey, ApiKeyRequest, DeleteResult, KeyParams, ScopedApiKeyRequest } from './model';
import type { ApiKeysService } from './service';

const errors = errorResponses(400, 401, 403, 404, 422);
const doc = (operationId: string, summary: string, description?: string) => ({
  detail: { operationId, summary, ...(description ? { description } : {}), tags: ['Api Keys'] },
});
const once = 'The answer carries the key in full, once: only its SHA-512 is stored.';

/** API keys: admin-wide, bound to one session, or media-only. Managing them needs an admin key. */
export const apiKeyRoutes = (keys: ApiKeysService) =>
  new Elysia({ tags: ['Api Keys'] })
    .post(
      '/api/keys',
      async ({ body, set }) => {
        const key = await keys.create(body);
        set.status = 201;
        return key;
      },
      { body: ApiKeyRequest, ...doc('ApiKeysController_create', 'Create a new API key', once), response: { 201: ApiKey, ...errors } },
    )
    .get('/api/keys', () => keys.list(), {
      ...doc('ApiKeysController_list', 'Get all API keys', 'Keys show as a hint (key_AbCd…): they are stored hashed.'),
      response: { 200: t.Array(ApiKey), ...errors },
    })
    .post(
      '/api/keys/media',
      async ({ body, set }) => {
        const key = await keys.media(body.session);
        set.status = 201;
        return key;
      },
      {
        body: ScopedApiKeyRequest,
        ...doc(
          'ApiKeysController_media',
          'Create or get a media-download-only API key for a session',
          `A key that downloads the session's files (/api/files/<session>/…) and nothing else. A new key at each call. ${once}`,
        ),
        response: { 201: ApiKey, ...errors },
      },
    )
    .post(
      '/api/keys/control',
      async ({ body, set }) => {
        const key = await keys.control(body.session);
        set.status = 201;
        return key;
      },
      {
        body: ScopedApiKeyRequest,
        ...doc(
          'ApiKeysController_control',
          'Create or get a control-only API key for a session',
          `A key that starts, stops, restarts, logs out and pairs the session. A new key at each call. ${once}`,
        ),
        response: { 201: ApiKey, ...errors },
      },
    )
    .put('/api/keys/:id', ({ params, body }) => keys.update(params.id, body), {
      params: KeyParams,
      body: ApiKeyRequest,
      ...doc('ApiKeysController_update', 'Update an API key', 'The key itself stays the same.'),
      response: { 200: ApiKey, ...errors },
    })
    .delete('/api/keys/:id', ({ params }) => keys.delete(params.id), {
      params: KeyParams,
      ...doc('ApiKeysController_delete', 'Delete an API key'),
      response: { 200: DeleteResult, ...errors },
    });
