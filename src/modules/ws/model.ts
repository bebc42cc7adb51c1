import { t } from 'elysia';

/** `/ws` query: which sessions and events to receive, and the API key for clients that cannot set headers. */
export const WsQuery = t.Object({
  session: t.Optional(t.String({ description: 'A session name, or * for all (default *)', examples: ['default'] })),
  events: t.Optional(
    t.String({ description: 'Comma list of event names, or * for all (default *)', examples: ['message,session.status'] }),
  ),
  'x-api-key': t.Optional(t.String({ description: 'The API key, when the X-Api-Key header cannot be sent' })),
});
