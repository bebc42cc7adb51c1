import { Elysia, t } from 'elysia';
import { NotFoundError } from '../../errors';
import { errorResponses } from '../../model';
import type { ConversionService } from './conversion';
import { type ConversionKind, OUTPUTS } from './convert';
import { Base64File, ConvertParams, FileParams, VideoFile, VoiceFile } from './model';
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

/**
 * `POST /api/{session}/media/convert/voice|video`: the file converted by ffmpeg, as bytes with its
 * content type, or as WAHA's `{mimetype, data}` when the client asks for `Accept: application/json`.
 */
export const conversionRoutes = (conversion: ConversionService) => {
  const route = (kind: ConversionKind) => ({
    handler: async ({
      params,
      body,
      headers,
      set,
    }: {
      params: { session: string };
      body: { url?: string; data?: string };
      headers: Record<string, string | undefined>;
      set: { status?: number | string };
    }) => {
      const out = await conversion.convert(params.session, kind, body);
      set.status = 201;
      if (headers.accept?.includes('application/json')) return { mimetype: out.mimetype, data: Buffer.from(out.data).toString('base64') };
      return new Response(out.data, {
        status: 201,
        headers: { 'content-type': out.mimetype, 'content-disposition': `attachment; filename="output.${OUTPUTS[kind].ext}"` },
      });
    },
  });
  const voice = route('voice');
  const video = route('video');
  const errors = errorResponses(400, 401, 404, 413, 422, 502, 503);
  return new Elysia({ tags: ['Media'] })
    .post('/api/:session/media/convert/voice', voice.handler, {
      params: ConvertParams,
      body: VoiceFile,
      detail: {
        summary: 'Convert audio to a WhatsApp voice note (Opus in Ogg) with ffmpeg',
        operationId: 'MediaController_convertVoice',
      },
      response: { 201: t.Union([Base64File, t.File({ description: 'audio/ogg; codecs=opus' })]), ...errors },
    })
    .post('/api/:session/media/convert/video', video.handler, {
      params: ConvertParams,
      body: VideoFile,
      detail: {
        summary: 'Convert a video to what WhatsApp plays (H.264/AAC in MP4) with ffmpeg',
        operationId: 'MediaController_convertVideo',
      },
      response: { 201: t.Union([Base64File, t.File({ description: 'video/mp4' })]), ...errors },
    });
};
