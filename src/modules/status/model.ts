import { t } from 'elysia';
import { EXAMPLE_MP3_BASE64, EXAMPLE_MP4_BASE64 } from '../media/examples';
import { FileInput } from '../messages/model';
import { SessionName } from '../sessions/model';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export const StatusParams = t.Object({ session: SessionName });

const common = {
  id: t.Optional(t.Union([t.String({ maxLength: 100 }), t.Null()], { description: 'Pre-generated message id (other engines); ignored' })),
  contacts: t.Optional(
    t.Union([t.Array(t.String()), t.Null()], {
      description: 'Who sees it: not possible with WEBJS (a non-empty list is refused with 422); the status goes to your default audience',
    }),
  ),
};
const HexColor = t.String({ pattern: '^#[0-9a-fA-F]{6}$', default: '#38b42f', error: 'backgroundColor must be a colour like #38b42f' });

export const TextStatus = t.Object(
  {
    ...common,
    text: t.String({ minLength: 1, maxLength: 700 }),
    backgroundColor: t.Optional(HexColor),
    font: t.Optional(t.Integer({ minimum: 0, maximum: 9, default: 0 })),
    linkPreview: t.Optional(t.Boolean({ default: true })),
    linkPreviewHighQuality: t.Optional(t.Boolean({ description: 'Accepted; WEBJS has one preview quality' })),
  },
  { examples: [{ text: 'Have a look! https://github.com/', backgroundColor: '#38b42f', font: 0 }] },
);
export const ImageStatus = t.Object(
  { ...common, file: FileInput, caption: t.Optional(t.String({ maxLength: 4096 })) },
  { examples: [{ file: { mimetype: 'image/png', filename: 'dot.png', data: PNG_1X1 }, caption: 'A dot' }] },
);
export const VoiceStatus = t.Object(
  {
    ...common,
    file: FileInput,
    convert: t.Optional(t.Boolean({ description: 'Convert the file to Opus in Ogg with ffmpeg first' })),
    backgroundColor: t.Optional(HexColor),
  },
  { examples: [{ file: { mimetype: 'audio/mpeg', filename: 'tone.mp3', data: EXAMPLE_MP3_BASE64 }, convert: true }] },
);
export const VideoStatus = t.Object(
  {
    ...common,
    file: FileInput,
    convert: t.Optional(t.Boolean({ description: 'Convert the file to H.264/AAC in MP4 with ffmpeg first' })),
    caption: t.Optional(t.String({ maxLength: 4096 })),
  },
  {
    examples: [{ file: { mimetype: 'video/mp4', filename: 'clip.mp4', data: EXAMPLE_MP4_BASE64 }, convert: false, caption: 'Just watch' }],
  },
);
export const DeleteStatus = t.Object(
  { ...common, id: t.String({ minLength: 1, maxLength: 200, description: 'The status message id (short, or serialized)' }) },
  { examples: [{ id: 'true_status@broadcast_3EB0123456789ABCDEF0_15550001000@c.us' }] },
);

/** whatsapp-web.js's message object of the posted status. */
export const PostedStatus = t.Record(t.String(), t.Unknown(), {
  description: 'whatsapp-web.js message: id {fromMe, remote, id, _serialized}, body, type, …',
});
