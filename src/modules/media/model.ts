import { t } from 'elysia';

export const FileParams = t.Object({
  session: t.String({ pattern: '^[A-Za-z0-9_-]{1,54}$', description: 'Session name' }),
  file: t.String({ minLength: 1, maxLength: 200, description: "File name from the event's media.url" }),
});
