import { Elysia, t } from 'elysia';
import { NotFoundError } from '../../errors';
import { errorResponses } from '../../model';
import { FileParams } from './model';
import type { MediaStore } from './service';

/** `GET /api/files/{session}/{file}`: incoming media stored by WHATSAPP_DOWNLOAD_MEDIA (API key required, as every /api route). */
export const mediaRoutes = (media: MediaStore) =>
  new Elysia({ tags: ['Media'] }).get(
    '/api/files/:session/:file',
    async ({ params }) => {
      const path = await media.find(params.session, params.file);
      if (!path)
        throw new NotFoundError(
          `No file '${params.file}' for session '${params.session}' — media is kept for WHATSAPP_FILES_LIFETIME seconds.`,
        );
      return new Response(Bun.file(path));
    },
    {
      params: FileParams,
      detail: { operationId: 'FilesController_download', summary: 'Download incoming media linked from an event (media.url)' },
      response: { 200: t.File({ description: 'The file, with its content type' }), ...errorResponses(401, 404) },
    },
  );
