import { t } from 'elysia';
import { EXAMPLE_CHAT_ID, EXAMPLE_MESSAGE_ID, requestBody } from '../../model';
import { SessionNameOrDefault } from '../sessions/model';
import { CHAT_ID_HINT, CHAT_ID_INPUT_PATTERN, normalizeChatId } from './chat-id';

export { CHAT_ID_HINT, CHAT_ID_PATTERN, normalizeChatId } from './chat-id';

const Session = SessionNameOrDefault;

/**
 * A chat id field called `field`, wherever it is given (body, path, query): any form WAHA
 * accepts, a bare phone number included, handed on normalized (`+1 415 555 0123` →
 * `14155550123@c.us`); anything else is a 400 naming the field.
 */
export const chatIdField = (field: string, description = CHAT_ID_HINT) =>
  t
    .Transform(
      t.String({ pattern: CHAT_ID_INPUT_PATTERN, description, examples: [EXAMPLE_CHAT_ID], error: `${field} must be ${CHAT_ID_HINT}` }),
    )
    .Decode(normalizeChatId)
    .Encode((id) => id);

/** `chatId` in a body, a path or a query. */
export const ChatId = chatIdField('chatId');
/** WAHA's serialized message id: `true_<chat>_<id>` or `false_<chat>_<id>`. */
export const MessageId = t.String({
  minLength: 3,
  maxLength: 200,
  pattern: '^(true|false)_',
  description: 'Serialized message id: true_<chat>_<id> / false_<chat>_<id>',
  examples: [EXAMPLE_MESSAGE_ID],
  error: 'messageId must look like true_<chatId>_<id> or false_<chatId>_<id>',
});

/** An optional field where `""` and null mean "not set" (n8n's WAHA node sends `""` for every unset field). */
const unsetWhenEmpty = <T extends Parameters<typeof t.Union>[0][number]>(schema: T, description: string, error: string) =>
  t.Optional(
    t
      .Transform(t.Union([t.Literal(''), t.Null(), schema], { description, error }))
      .Decode((v) => (v === '' || v === null ? undefined : v))
      .Encode((v) => v ?? null),
  );

/** An optional message id (`reply_to`, sendSeen's `messageId`); `""` means none. */
export const OptionalMessageId = (field: string, description: string) =>
  unsetWhenEmpty(MessageId, description, `${field} must be a message id like true_<chatId>_<id> (or empty for none)`);

const ReplyTo = OptionalMessageId('reply_to', 'Message id to reply to; empty or left out: not a reply');

/** WAHA's pre-generated message id; `""` means none. */
const PreGeneratedId = unsetWhenEmpty(
  t.String({ pattern: '^[0-9A-Za-z]{6,64}$' }),
  'Pre-generated message id (WAHA: honoured by some engines). Accepted and not used: whatsapp-web.js 1.34.7 makes the id itself (docs/chats-messages.md)',
  'id must be a message id of 6–64 letters and digits, e.g. 3EB0C431D5A0B8E2F0 (or empty for none)',
);

/** People to mention: their ids or phone numbers, normalized like every chat id. */
export const Mentions = t.Optional(
  t.Array(chatIdField('mentions', 'A person to mention: 14155550123@c.us or the number'), { maxItems: 256 }),
);

const chat = { session: 'default', chatId: EXAMPLE_CHAT_ID };

export const SendText = t.Object(
  {
    session: Session,
    chatId: ChatId,
    id: PreGeneratedId,
    text: t.String({ minLength: 1, maxLength: 65536 }),
    reply_to: ReplyTo,
    mentions: Mentions,
    linkPreview: t.Optional(t.Boolean({ default: true })),
    linkPreviewHighQuality: t.Optional(
      t.Boolean({ default: false, description: 'Accepted; whatsapp-web.js 1.34.7 sends one preview quality (docs/chats-messages.md)' }),
    ),
  },
  requestBody('MessageTextRequest', { ...chat, text: 'Hi there!' }),
);

export const FileInput = t.Object(
  {
    mimetype: t.String({ minLength: 3, maxLength: 200, pattern: '^[\\w.+-]+/[\\w.+-]+', examples: ['image/jpeg'] }),
    filename: t.Optional(t.Union([t.String({ maxLength: 255 }), t.Null()])),
    url: t.Optional(t.String({ maxLength: 4096, description: 'http(s) URL fetched by the server (size and time bounded)' })),
    data: t.Optional(t.String({ description: 'Base64 content' })),
  },
  { description: 'Give either url or data' },
);

const sendFile = (name: string, example: Record<string, unknown>) =>
  t.Object(
    {
      session: Session,
      chatId: ChatId,
      file: FileInput,
      caption: t.Optional(t.String({ maxLength: 4096 })),
      reply_to: ReplyTo,
      convert: t.Optional(
        t.Boolean({
          description: 'sendVoice / sendVideo: convert the file with ffmpeg first (Opus in Ogg / H.264 in MP4); ignored elsewhere',
        }),
      ),
      asNote: t.Optional(
        t.Boolean({
          description:
            'sendVideo: a round video note (WAHA). Accepted; whatsapp-web.js 1.34.7 has no video-note option, so it goes as a video (docs/chats-messages.md)',
        }),
      ),
    },
    requestBody(name, { ...chat, ...example }),
  );
/** A 1×1 PNG: small enough to send from the docs page as it is. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
export const SendImage = sendFile('MessageImageRequest', {
  file: { mimetype: 'image/png', filename: 'pixel.png', data: PIXEL_PNG },
  caption: 'A picture',
});
export const SendDocument = sendFile('MessageFileRequest', {
  file: { mimetype: 'text/plain', filename: 'hello.txt', data: Buffer.from('Hello from wabun\n').toString('base64') },
  caption: 'A file',
});
export const SendVoice = sendFile('MessageVoiceRequest', {
  file: { mimetype: 'audio/ogg; codecs=opus', url: 'https://example.com/voice.ogg' },
});
export const SendVideo = sendFile('MessageVideoRequest', {
  file: { mimetype: 'video/mp4', filename: 'video.mp4', url: 'https://example.com/video.mp4' },
  caption: 'A video',
});
export type SendFile = typeof SendImage.static;

export const SendLocation = t.Object(
  {
    session: Session,
    chatId: ChatId,
    id: PreGeneratedId,
    latitude: t.Number({ minimum: -90, maximum: 90 }),
    longitude: t.Number({ minimum: -180, maximum: 180 }),
    title: t.Optional(t.String({ maxLength: 1024 })),
    reply_to: ReplyTo,
  },
  requestBody('MessageLocationRequest', { ...chat, latitude: 38.8937255, longitude: -77.0969763, title: 'Our office' }),
);

export const SendContactVcard = t.Object(
  {
    session: Session,
    chatId: ChatId,
    id: PreGeneratedId,
    reply_to: ReplyTo,
    contacts: t.Array(
      t.Union([
        t.Object({ vcard: t.String({ minLength: 10, maxLength: 65536 }) }),
        t.Object({
          fullName: t.String({ minLength: 1 }),
          organization: t.Optional(t.String()),
          phoneNumber: t.String({ minLength: 3 }),
          whatsappId: t.Optional(t.String()),
        }),
      ]),
      { minItems: 1, maxItems: 50 },
    ),
  },
  requestBody('MessageContactVcardRequest', {
    ...chat,
    contacts: [{ fullName: 'John Doe', organization: 'Company Name', phoneNumber: '+91 11111 11111', whatsappId: '911111111111' }],
  }),
);

export const SendPoll = t.Object(
  {
    session: Session,
    chatId: ChatId,
    id: PreGeneratedId,
    reply_to: ReplyTo,
    poll: t.Object({
      name: t.String({ minLength: 1, maxLength: 255 }),
      options: t.Array(t.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 12 }),
      multipleAnswers: t.Boolean({ default: false }),
    }),
  },
  requestBody('MessagePollRequest', {
    ...chat,
    poll: { name: 'How are you?', options: ['Awesome!', 'Good!', 'Not bad!'], multipleAnswers: false },
  }),
);

export const ForwardMessage = t.Object(
  { session: Session, chatId: ChatId, id: PreGeneratedId, messageId: MessageId },
  requestBody('MessageForwardRequest', { ...chat, messageId: EXAMPLE_MESSAGE_ID }),
);
export const ChatAction = t.Object({ session: Session, chatId: ChatId }, requestBody('ChatRequest', chat));
export const SendSeen = t.Object(
  {
    session: Session,
    chatId: ChatId,
    messageId: OptionalMessageId('messageId', 'Deprecated (WAHA): the chat is marked read whatever it says; empty means none'),
    messageIds: t.Optional(t.Array(MessageId)),
    participant: t.Optional(t.Union([t.String(), t.Null()])),
  },
  requestBody('SendSeenRequest', chat),
);
export const Reaction = t.Object(
  {
    session: Session,
    messageId: MessageId,
    reaction: t.String({ maxLength: 16, description: 'An emoji; empty string removes the reaction' }),
  },
  requestBody('MessageReactionRequest', { session: 'default', messageId: EXAMPLE_MESSAGE_ID, reaction: '👍' }),
);
export const Star = t.Object(
  { session: Session, messageId: MessageId, chatId: t.Optional(ChatId), star: t.Boolean() },
  requestBody('MessageStarRequest', { ...chat, messageId: EXAMPLE_MESSAGE_ID, star: true }),
);

export const SendPollVote = t.Object(
  {
    session: Session,
    chatId: ChatId,
    pollMessageId: MessageId,
    votes: t.Array(t.String({ minLength: 1, maxLength: 100 }), {
      maxItems: 12,
      description: 'The option names voted for; an empty list takes the vote back',
    }),
    pollServerId: t.Optional(t.Union([t.Number(), t.Null()], { description: 'Channels only (other engines); ignored' })),
  },
  {
    examples: [
      { session: 'default', chatId: '15550100001@c.us', pollMessageId: 'false_15550100001@c.us_3A0123456789ABCDEF01', votes: ['sushi'] },
    ],
  },
);

export const ButtonsReply = t.Object(
  {
    session: Session,
    chatId: ChatId,
    replyTo: OptionalMessageId('replyTo', 'The buttons message replied to; empty means none'),
    selectedDisplayText: t.String(),
    selectedButtonID: t.String(),
  },
  { examples: [{ session: 'default', chatId: '15550100001@c.us', selectedDisplayText: 'Yes', selectedButtonID: 'yes' }] },
);

/** whatsapp-web.js's message object, as WAHA returns it from a send. */
export const SentMessage = t.Record(t.String(), t.Unknown(), {
  description:
    'whatsapp-web.js message: id {fromMe, remote, id, _serialized}, fromMe, body, from, to, timestamp (s), ack, hasMedia, type, _data',
});
export const Result = t.Object({ result: t.Boolean() });
export const SeenResult = t.Object({ ids: t.Union([t.Array(t.String()), t.Null()]) });
