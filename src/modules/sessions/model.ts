/** Schemas of the sessions, auth and screenshot routes. Types come from these, never in parallel. */
import { t } from 'elysia';
import { SESSION_NAME_HINT, SESSION_NAME_PATTERN } from '../../config';
import { Me, requestBody } from '../../model';

export { SESSION_NAME_HINT, SESSION_NAME_PATTERN };

const nameOptions = { pattern: SESSION_NAME_PATTERN, description: 'Session name', examples: ['default'], error: SESSION_NAME_HINT };
/** A session name wherever one is given: path, query or body. */
export const SessionName = t.String(nameOptions);
/** A session name in a body or query, `default` when left out (WAHA's default session). */
export const SessionNameOrDefault = t.String({ ...nameOptions, default: 'default' });
export const SessionParams = t.Object({ session: SessionName });

export const SessionStatus = t.Union(
  [
    t.Literal('STOPPED'),
    t.Literal('STARTING'),
    t.Literal('SCAN_QR_CODE'),
    t.Literal('PASSKEY_REQUIRED'),
    t.Literal('PASSKEY_CONFIRMATION_REQUIRED'),
    t.Literal('WORKING'),
    t.Literal('FAILED'),
  ],
  {
    description:
      'STOPPED → STARTING → SCAN_QR_CODE → WORKING; FAILED with a reason. The PASSKEY_* statuses are WAHA’s for its GOWS engine: a WEBJS session never has them.',
  },
);
export type SessionStatus = typeof SessionStatus.static;

const nullable = <T extends Parameters<typeof t.Optional>[0]>(s: T) => t.Optional(t.Union([s, t.Null()]));

export const Webhook = t.Object({
  url: t.String({
    pattern: '^[Hh][Tt][Tt][Pp][Ss]?://',
    description: 'http(s) URL that receives the events',
    examples: ['https://example.invalid/hook'],
    error: 'webhook url must be an http:// or https:// URL',
  }),
  events: t.Array(t.String(), { description: 'Event names, or * for all', examples: [['message', 'session.status']] }),
  hmac: nullable(t.Object({ key: nullable(t.String()) })),
  retries: nullable(
    t.Object({
      policy: nullable(t.Union([t.Literal('constant'), t.Literal('linear'), t.Literal('exponential')])),
      delaySeconds: nullable(t.Integer({ minimum: 0, maximum: 3600 })),
      attempts: nullable(t.Integer({ minimum: 0, maximum: 100 })),
    }),
  ),
  customHeaders: nullable(t.Array(t.Object({ name: t.String({ minLength: 1 }), value: t.String() }))),
});

/** WAHA's session config, plus `memoryLimitMb` (ours). */
export const SessionConfig = t.Object(
  {
    metadata: nullable(t.Record(t.String(), t.String(), { description: 'Sent with every event of this session' })),
    proxy: nullable(
      t.Object({
        server: t.String({ minLength: 1, examples: ['host:3128'] }),
        username: nullable(t.String()),
        password: nullable(t.String()),
      }),
    ),
    client: nullable(t.Object({ deviceName: nullable(t.String()), browserName: nullable(t.String()) })),
    ignore: nullable(
      t.Object({
        status: nullable(t.Boolean()),
        groups: nullable(t.Boolean()),
        channels: nullable(t.Boolean()),
        broadcast: nullable(t.Boolean()),
      }),
    ),
    webhooks: nullable(t.Array(Webhook)),
    memoryLimitMb: nullable(
      t.Integer({
        minimum: 32,
        maximum: 65536,
        description:
          'Per-session memory budget (MB, private memory of its browser); over it the session alone is recycled, keeping its login',
      }),
    ),
    debug: nullable(t.Boolean({ description: 'Log this session at debug level' })),
    webjs: nullable(
      t.Object({
        tagsEventsOn: nullable(
          t.Boolean({
            default: false,
            description:
              "WAHA's switch for its stanza hooks (presence and group-receipt events). Accepted, stored and returned; whatsapp-web.js 1.34.7 has no such hook, so it changes nothing here (docs/sessions.md).",
          }),
        ),
      }),
    ),
  },
  { $id: '#/components/schemas/SessionConfig' },
);
export type SessionConfig = typeof SessionConfig.static;

/** What `expand` may ask for in a session's answer (WAHA's list). */
export const SessionExpand = t.Array(t.Union([t.Literal('apps')]), {
  description: 'Expand additional session details: apps',
  examples: [['apps']],
});

/** One session as `GET /api/sessions` and every lifecycle POST return it. */
export const SessionInfo = t.Object(
  {
    name: t.String(),
    status: SessionStatus,
    config: t.Union([SessionConfig, t.Null()]),
    me: t.Union([Me, t.Null()]),
    presence: t.Union([t.Literal('online'), t.Literal('offline'), t.Null()], {
      description: 'The presence last set with POST /api/{session}/presence while the browser runs; null: not set',
    }),
    timestamps: t.Object({
      activity: t.Union([t.Number(), t.Null()], { description: 'When the session last had an event or a call (ms); null: none yet' }),
    }),
    assignedWorker: t.Union([t.String(), t.Null()], { description: 'The id of the worker (this process) running it' }),
    apps: t.Union([t.Array(t.Record(t.String(), t.Unknown())), t.Null()], {
      description: 'The apps of the session with ?expand=apps (none here: apps are not available), else null',
    }),
    reason: t.Optional(t.String({ description: 'Why it is FAILED (only then)' })),
  },
  { $id: '#/components/schemas/SessionInfo' },
);
export type SessionInfo = typeof SessionInfo.static;

/** `GET /api/sessions/{session}`: the same plus the engine block. */
export const SessionDetails = t.Object({
  ...SessionInfo.properties,
  engine: t.Object({ engine: t.Literal('WEBJS'), WWebVersion: t.Union([t.String(), t.Null()]), state: t.Union([t.String(), t.Null()]) }),
});
export type SessionDetails = typeof SessionDetails.static;

export const ListQuery = t.Object({
  all: t.Optional(t.Boolean({ description: 'Include STOPPED sessions', default: false })),
  expand: t.Optional(SessionExpand),
});
export const GetQuery = t.Object({ expand: t.Optional(SessionExpand) });

export const SessionCreate = t.Object(
  {
    name: t.Optional(SessionNameOrDefault),
    start: t.Optional(t.Boolean({ default: true })),
    config: t.Optional(SessionConfig),
  },
  requestBody('SessionCreateRequest', { name: 'default', start: true, config: { metadata: { 'user.id': '123' } } }),
);

export const SessionUpdate = t.Object(
  { config: t.Optional(t.Union([SessionConfig, t.Null()])) },
  requestBody('SessionUpdateRequest', { config: { metadata: { 'user.id': '123' }, debug: false } }),
);

export const QrQuery = t.Object({ format: t.Optional(t.Union([t.Literal('image'), t.Literal('raw')], { default: 'image' })) });
export const QrValue = t.Object({ value: t.String({ description: 'The QR string: ref,noiseKey,identityKey,advSecret,platform' }) });
/** A file as JSON (when the client sends `Accept: application/json`). */
export const Base64File = t.Object(
  { mimetype: t.String({ examples: ['image/png'] }), data: t.String({ description: 'Base64 content' }) },
  { $id: '#/components/schemas/Base64File' },
);
export const PngImage = t.File({ type: 'image/png', description: 'PNG image (the default; JSON with Accept: application/json)' });

export const RequestCode = t.Object(
  {
    phoneNumber: t.String({
      pattern: '^\\+?[0-9 ()-]{5,24}$',
      examples: ['14155550123'],
      error: 'phoneNumber must be the international number, digits only (e.g. 14155550123)',
    }),
    method: nullable(t.String({ description: 'Accepted for WAHA compatibility; ignored by WEBJS' })),
  },
  requestBody('RequestCodeRequest', { phoneNumber: '15550001000' }),
);
export const PairingCode = t.Object({ code: t.String({ examples: ['ABCD-EFGH'] }) });

export const ScreenshotQuery = t.Object({ session: t.Optional(SessionNameOrDefault) });
