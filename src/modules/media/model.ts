import { t } from 'elysia';
import { SessionName } from '../sessions/model';
import { EXAMPLE_MP3_BASE64, EXAMPLE_MP4_BASE64 } from './examples';

export const FileParams = t.Object({
  session: SessionName,
  file: t.String({ minLength: 1, maxLength: 200, description: "File name from the event's media.url" }),
});

export const ConvertParams = t.Object({ session: SessionName });

const fileBody = (kind: string, data: string) =>
  t.Object(
    {
      url: t.Optional(
        t.String({ maxLength: 4096, description: `The URL of the ${kind} file (fetched by the server, size and time bounded)` }),
      ),
      data: t.Optional(t.String({ description: `Base64 content of the ${kind} file` })),
    },
    { description: 'Give either url or data', examples: [{ data }] },
  );
export const VoiceFile = fileBody('voice', EXAMPLE_MP3_BASE64);
export const VideoFile = fileBody('video', EXAMPLE_MP4_BASE64);

/** WAHA's `Base64File`: the answer with `Accept: application/json`. */
export const Base64File = t.Object({ mimetype: t.String(), data: t.String({ description: 'base64' }) });
