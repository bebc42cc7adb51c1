import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { Success } from '../chats/model';
import {
  ButtonsReply,
  ChatAction,
  ForwardMessage,
  Reaction,
  Result,
  SeenResult,
  SendContactVcard,
  SendDocument,
  type SendFile,
  SendImage,
  SendLocation,
  SendPoll,
  SendPollVote,
  SendSeen,
  SendText,
  SendVideo,
  SendVoice,
  SentMessage,
  Star,
} from './model';
import type { MediaKind, MessagingService } from './service';

const sendErrors = errorResponses(400, 401, 404, 413, 422, 502, 504);
const created = <T>(set: { status?: number | string }, value: T) => {
  set.status = 201;
  return value;
};

/** WAHA's sending routes. Every successful POST answers 201, as WAHA (NestJS) does. */
export const messageRoutes = (messages: MessagingService) => {
  const media = (kind: MediaKind, body: typeof SendImage, summary: string) => ({
    handler: async ({ body, set }: { body: SendFile; set: { status?: number | string } }) =>
      created(set, await messages.sendMedia(kind, body)),
    hook: { body, detail: { summary }, response: { 201: SentMessage, ...sendErrors, ...errorResponses(503) } },
  });
  const image = media('image', SendImage, 'Send an image');
  const file = media('file', SendDocument, 'Send a file as a document');
  const voice = media('voice', SendVoice, 'Send a voice message (audio/ogg; codecs=opus)');
  const video = media('video', SendVideo, 'Send a video');
  return new Elysia({ tags: ['Chatting'] })
    .post('/api/sendText', async ({ body, set }) => created(set, await messages.sendText(body)), {
      body: SendText,
      detail: { summary: 'Send a text message' },
      response: { 201: SentMessage, ...sendErrors },
    })
    .post('/api/sendLocation', async ({ body, set }) => created(set, await messages.sendLocation(body)), {
      body: SendLocation,
      detail: { summary: 'Send a location' },
      response: { 201: SentMessage, ...sendErrors },
    })
    .post('/api/sendContactVcard', async ({ body, set }) => created(set, await messages.sendContactVcard(body)), {
      body: SendContactVcard,
      detail: { summary: 'Send one or more contact cards' },
      response: { 201: SentMessage, ...sendErrors },
    })
    .post('/api/sendPoll', async ({ body, set }) => created(set, await messages.sendPoll(body)), {
      body: SendPoll,
      detail: { summary: 'Send a poll' },
      response: { 201: SentMessage, ...sendErrors },
    })
    .post('/api/forwardMessage', async ({ body, set }) => created(set, await messages.forward(body.session, body.chatId, body.messageId)), {
      body: ForwardMessage,
      detail: { summary: 'Forward a message to a chat' },
      response: { 201: SentMessage, ...sendErrors },
    })
    .post('/api/sendSeen', async ({ body, set }) => created(set, await messages.seen(body)), {
      body: SendSeen,
      detail: { summary: 'Mark a chat as read' },
      response: { 201: SeenResult, ...sendErrors },
    })
    .post('/api/startTyping', async ({ body, set }) => created(set, await messages.typing(body.session, body.chatId, true)), {
      body: ChatAction,
      detail: { summary: 'Show "typing…" in a chat' },
      response: { 201: Result, ...sendErrors },
    })
    .post('/api/stopTyping', async ({ body, set }) => created(set, await messages.typing(body.session, body.chatId, false)), {
      body: ChatAction,
      detail: { summary: 'Stop showing "typing…"' },
      response: { 201: Result, ...sendErrors },
    })
    .put('/api/reaction', ({ body }) => messages.react(body.session, body.messageId, body.reaction), {
      body: Reaction,
      detail: { summary: 'React to a message (empty reaction removes it)' },
      response: { 200: Result, ...sendErrors },
    })
    .put('/api/star', ({ body }) => messages.star(body.session, body.messageId, body.star), {
      body: Star,
      detail: { summary: 'Star or unstar a message' },
      response: { 200: Result, ...sendErrors },
    })
    .post('/api/sendPollVote', async ({ body, set }) => created(set, await messages.pollVote(body)), {
      body: SendPollVote,
      detail: { summary: 'Vote on a poll (by its option names)', operationId: 'ChattingController_sendPollVote' },
      response: { 201: Success, ...sendErrors },
    })
    .post('/api/send/buttons/reply', ({ body }) => messages.buttonsReply(body.session), {
      body: ButtonsReply,
      detail: {
        summary: 'Reply to a buttons message (not possible with whatsapp-web.js 1.34.7: 422, as WAHA answers)',
        operationId: 'ChattingController_sendButtonsReply',
      },
      response: { 201: Success, ...sendErrors },
    })
    .post('/api/sendImage', image.handler, image.hook)
    .post('/api/sendFile', file.handler, file.hook)
    .post('/api/sendVoice', voice.handler, voice.hook)
    .post('/api/sendVideo', video.handler, video.hook);
};
