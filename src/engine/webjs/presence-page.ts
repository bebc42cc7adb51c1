/**
 * In-page functions for presence. whatsapp-web.js 1.34.7 only sends presence; subscribing to and
 * reading a contact's goes through WhatsApp Web's own modules, the way WAHA's WEBJS engine does
 * it (docs/presence.md): WAWebContactPresenceBridge.subscribePresence with the chat's privacy
 * token, then WAWebPresenceCollection (a `chatstate` per contact, `chatstates` per group member).
 */

// biome-ignore lint/suspicious/noExplicitAny: WhatsApp Web's modules are untyped JavaScript.
type Wa = any;

/** One chat state as read in the page: who, WhatsApp Web's type, and its time (last seen when unavailable). */
export interface PageChatstate {
  participant: string;
  type: string | null;
  t: number | null;
}

/** Subscribes to a chat's presence; resolves once WhatsApp Web sent the request. */
export const SUBSCRIBE_PRESENCE = async (chatId: string) => {
  const require = (window as unknown as { require(m: string): Wa }).require;
  const wid = require('WAWebWidFactory').createWidFromWidLike(chatId);
  const chat = require('WAWebChatCollection').ChatCollection.get(wid);
  await require('WAWebContactPresenceBridge').subscribePresence(wid, chat?.getTcToken());
};

/**
 * The chat states the page holds for a chat. When it holds none yet (the subscription's answer is
 * still on its way) it waits for the first one, at most `waitMs`.
 */
export const READ_PRESENCE = async (chatId: string, waitMs: number): Promise<PageChatstate[]> => {
  const require = (window as unknown as { require(m: string): Wa }).require;
  const collection = require('WAWebPresenceCollection').PresenceCollection;
  const group = chatId.endsWith('@g.us');
  const read = (): PageChatstate[] => {
    const presence = collection.get(chatId);
    if (!presence) return [];
    const states: Wa[] = group ? presence.chatstates.getModelsArray() : [presence.chatstate];
    return states.filter((s) => s?.type).map((s) => ({ participant: s.id?._serialized ?? chatId, type: s.type ?? null, t: s.t ?? null }));
  };
  if (read().length || waitMs <= 0) return read();
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      collection.off('change:chatstate', onChange);
      resolve();
    };
    const onChange = (presence: Wa) => {
      if (presence?.id?._serialized === chatId) done();
    };
    const timer = setTimeout(done, waitMs);
    collection.on('change:chatstate', onChange);
  });
  return read();
};

/**
 * Forwards every chat state the page receives to `binding` (a function puppeteer exposed), once
 * per page load: WhatsApp Web fires `change:chatstate` on the presence collection.
 */
export const WATCH_PRESENCE = (binding: string) => {
  const w = window as unknown as { require(m: string): Wa; __wabunPresence?: boolean } & Record<string, unknown>;
  if (w.__wabunPresence) return;
  w.__wabunPresence = true;
  w.require('WAWebPresenceCollection').PresenceCollection.on('change:chatstate', (presence: Wa, chatstate: Wa) => {
    const send = w[binding] as ((x: unknown) => void) | undefined;
    send?.({
      chatId: presence?.id?._serialized,
      participant: chatstate?.id?._serialized ?? presence?.id?._serialized,
      type: chatstate?.type ?? null,
      t: chatstate?.t ?? null,
    });
  });
};
