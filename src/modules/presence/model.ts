import { t } from 'elysia';
import { ChatId } from '../messages/model';
import { SessionName } from '../sessions/model';

export const PresenceParams = t.Object({ session: SessionName });
export const ChatPresenceParams = t.Object({ session: SessionName, chatId: ChatId });

const PresenceName = t.Union(
  [t.Literal('online'), t.Literal('offline'), t.Literal('typing'), t.Literal('recording'), t.Literal('paused')],
  {
    error: 'presence must be one of online, offline, typing, recording, paused',
  },
);

export const SetPresence = t.Object(
  {
    chatId: t.Optional(ChatId),
    presence: PresenceName,
  },
  {
    description: 'online / offline: the whole account, no chatId; typing / recording / paused: in the chat given by chatId',
    examples: [{ presence: 'online' }, { chatId: '15550100001@c.us', presence: 'typing' }],
  },
);

/** WAHA's `WAHAChatPresences`; `presence.update` carries the same. */
export const ChatPresences = t.Object({
  id: t.String({ description: 'The chat: a contact or a group' }),
  presences: t.Array(
    t.Object({
      participant: t.String({ description: 'The contact, or the group member' }),
      lastKnownPresence: PresenceName,
      lastSeen: t.Union([t.Number(), t.Null()], { description: 'seconds' }),
    }),
  ),
});
