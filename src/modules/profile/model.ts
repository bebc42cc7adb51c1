import { t } from 'elysia';
import { FileInput } from '../messages/model';
import { SessionName } from '../sessions/model';

/** A 1×1 PNG: the example picture the docs page sends. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

export const ProfileParams = t.Object({ session: SessionName });

/** WAHA's `MyProfile`. */
export const MyProfile = t.Object({
  id: t.String({ examples: ['15550001000@c.us'] }),
  name: t.String({ description: 'The push name' }),
  picture: t.Union([t.String(), t.Null()], { description: 'URL of my profile picture; null when there is none' }),
});

export const ProfileName = t.Object({ name: t.String({ minLength: 1, maxLength: 25 }) }, { examples: [{ name: 'My New Name' }] });
export const ProfileStatus = t.Object(
  { status: t.String({ maxLength: 139, description: 'The about text' }) },
  { examples: [{ status: 'Hey there! I am using WhatsApp' }] },
);
export const ProfilePicture = t.Object(
  { file: FileInput },
  { examples: [{ file: { mimetype: 'image/png', filename: 'me.png', data: PNG_1X1 } }] },
);
