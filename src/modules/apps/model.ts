/** Schemas of WAHA's app routes, so that its clients' requests are checked as WAHA checks them. */
import { t } from 'elysia';
import { requestBody } from '../../model';
import { SessionName } from '../sessions/model';

export const App = t.Object(
  {
    id: t.Optional(t.String({ maxLength: 100 })),
    session: SessionName,
    app: t.Union([t.Literal('chatwoot'), t.Literal('calls'), t.Literal('mcp')]),
    enabled: t.Optional(t.Boolean({ default: true })),
    config: t.Record(t.String(), t.Unknown()),
  },
  requestBody('App', { session: 'default', app: 'chatwoot', enabled: true, config: {} }),
);
export const AppsQuery = t.Object({ session: SessionName });
export const AppParams = t.Object({ id: t.String({ minLength: 1, maxLength: 100 }) });
