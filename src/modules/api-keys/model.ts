/** Schemas of the API key routes (WAHA's ApiKeysController). Types come from these, never in parallel. */
import { t } from 'elysia';
import { requestBody } from '../../model';
import { SessionName } from '../sessions/model';

const flag = (description: string) => t.Optional(t.Boolean({ description }));
export const SessionActions = t.Object(
  {
    read: flag('Read session data (messages, contacts, chats, groups, …) and its events'),
    send: flag('Send messages and manage session entities (groups, labels, channels, contacts, profile)'),
    control: flag('Session lifecycle: start, stop, restart, logout, authenticate'),
    setting: flag('Session config: update session settings'),
    app: flag('Manage apps'),
    delete: flag('Delete the session'),
  },
  { $id: '#/components/schemas/SessionActions' },
);

export const ApiKey = t.Object(
  {
    id: t.String({ examples: ['key_id_0000000000000000000000000'] }),
    key: t.String({
      description: 'The key: in full only in the answer that created it (it is stored hashed); a hint like key_AbCd… afterwards',
      examples: ['key_AbCdEfGhIjKlMnOpQrStUvWxYz012345'],
    }),
    isActive: t.Boolean(),
    isAdmin: t.Boolean(),
    session: t.Union([t.String(), t.Null()], { examples: ['default'] }),
    actions: t.Union([SessionActions, t.Null()], { description: "What a session key may do; null: WAHA's defaults (all but delete)" }),
  },
  { $id: '#/components/schemas/ApiKey' },
);

export const ApiKeyRequest = t.Object(
  {
    isAdmin: t.Boolean({ default: false, description: 'Every route of the server (then no session)' }),
    session: t.Union([SessionName, t.Null()], { default: null, description: 'The one session a non-admin key is bound to' }),
    isActive: t.Boolean({ default: true }),
    actions: t.Optional(t.Union([SessionActions, t.Null()], { default: null })),
  },
  requestBody('ApiKeyRequest', { isAdmin: false, session: 'default', isActive: true, actions: { read: true, send: true } }),
);
export const ScopedApiKeyRequest = t.Object({ session: SessionName }, requestBody('ScopedApiKeyRequest', { session: 'default' }));
export const KeyParams = t.Object({
  id: t.String({
    pattern: '^key_id_[0-9A-Za-z]{8,64}$',
    error: 'id must be an API key id like key_id_…',
    examples: ['key_id_0000000000000000000000000'],
  }),
});
export const DeleteResult = t.Object({ result: t.Boolean() });
