/**
 * Shapes shared across modules and layers, declared once with `t`: the error body every failure
 * is answered with, the logged-in account, and WAHA's message payload (events and chat history).
 * Types come from these schemas, never in parallel.
 */
import { t } from 'elysia';

/**
 * The options of a request body's schema: its component name in the OpenAPI document (WAHA's name
 * where WAHA has the body, so generated clients name it alike) and the example the docs page fills
 * in. Examples address the default session and a contact of the WhatsApp Web simulator's seeded
 * account, so that "Try it out" works against it as it is.
 */
export const requestBody = (name: string, example: Record<string, unknown>) => ({
  $id: `#/components/schemas/${name}`,
  examples: [example],
});
/** A contact's chat id in the examples (the simulator's first seeded contact). */
export const EXAMPLE_CHAT_ID = '15550100001@c.us';
/** A message id in the examples: one the simulator's seeded history holds is not known in advance, so any well-formed id. */
export const EXAMPLE_MESSAGE_ID = `false_${EXAMPLE_CHAT_ID}_3EB0B430B6F8F1D0E053AC`;

/** The one error shape every failure is answered with. */
export const ErrorBody = t.Object(
  {
    statusCode: t.Number(),
    error: t.String({ description: 'Reason phrase of the status code' }),
    message: t.String({ description: 'What was wrong and what to do' }),
    details: t.Optional(t.Record(t.String(), t.Unknown())),
    requestId: t.Optional(t.String()),
    session: t.Optional(t.String({ description: "WAHA's 422 for a session in the wrong status: the session" })),
    status: t.Optional(t.String({ description: '… its status' })),
    expected: t.Optional(t.Array(t.String(), { description: '… and the statuses the call needs' })),
  },
  { $id: '#/components/schemas/Error' },
);

/** Response entries for the error statuses a route can answer, e.g. `...errorResponses(400, 404)`. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorBody])) as Record<S, typeof ErrorBody>;
}

/** The logged-in account (WAHA's MeInfo); `lid` and `jid` where WhatsApp Web tells them. */
export const Me = t.Object(
  {
    id: t.String({ examples: ['14155550123@c.us'] }),
    pushName: t.String(),
    lid: t.Optional(t.String({ description: "The account's LID", examples: ['123123@lid'] })),
    jid: t.Optional(t.String({ description: 'The id with the device number', examples: ['14155550123:1@s.whatsapp.net'] })),
  },
  { $id: '#/components/schemas/Me' },
);
export type Me = typeof Me.static;

const nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);

/**
 * What is known of a message's media: `url` once stored (or inline in history), else null;
 * `error` when it could not be downloaded (WAHA's WAMedia; no `s3` here: media is stored locally).
 */
export const MessageMedia = t.Object({
  url: nullable(t.String()),
  mimetype: t.String(),
  filename: nullable(t.String()),
  error: t.Optional(nullable(t.Object({ message: t.String() }, { additionalProperties: true }))),
});

/** WAHA's WALocation. */
export const MessageLocation = t.Object({
  live: t.Boolean(),
  latitude: t.Number(),
  longitude: t.Number(),
  name: nullable(t.String()),
  address: nullable(t.String()),
  description: nullable(t.String()),
  url: nullable(t.String()),
});

/** WAHA's message payload: `message`, `message.any`, `message.ack` events and chat history. */
export const WAMessage = t.Object(
  {
    id: t.String({ description: 'true_<chat>_<id> / false_<chat>_<id>' }),
    timestamp: t.Number({ description: 'seconds' }),
    from: t.String(),
    fromMe: t.Boolean(),
    source: t.Union([t.Literal('app'), t.Literal('api')]),
    to: t.String(),
    participant: t.Optional(nullable(t.String())),
    author: t.Optional(t.String({ description: 'Group (and status) messages: who sent it' })),
    body: t.String(),
    hasMedia: t.Boolean(),
    media: nullable(MessageMedia),
    mediaUrl: t.Optional(nullable(t.String({ description: 'Deprecated (WAHA): the same as media.url' }))),
    ack: t.Number(),
    ackName: t.String({ description: 'ERROR (-1), PENDING (0), SERVER (1), DEVICE (2), READ (3), PLAYED (4)' }),
    location: t.Optional(nullable(MessageLocation)),
    vCards: t.Optional(t.Array(t.String())),
    replyTo: t.Optional(
      nullable(
        t.Object({
          id: t.String(),
          participant: t.Optional(nullable(t.String())),
          body: t.Optional(t.String()),
          hasMedia: t.Optional(t.Boolean()),
          media: t.Optional(nullable(MessageMedia)),
          _data: t.Optional(t.Record(t.String(), t.Unknown())),
        }),
      ),
    ),
    _data: t.Optional(t.Record(t.String(), t.Unknown())),
  },
  { additionalProperties: true, $id: '#/components/schemas/WAMessage' },
);
export type WAMessage = typeof WAMessage.static;
