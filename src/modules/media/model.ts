import { t } from 'elysia';
import { SessionName } from '../sessions/model';

export const FileParams = t.Object({
  session: SessionName,
  file: t.String({ minLength: 1, maxLength: 200, description: "File name from the event's media.url" }),
});
