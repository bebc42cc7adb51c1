/**
 * Chat list, chat history and pictures, run inside WhatsApp Web's page (through puppeteer's
 * evaluate). WhatsApp Web holds every chat and the loaded messages of each; sorting, filtering
 * and paging there means only the page asked for is serialized and crosses to Node (WAHA's WEBJS
 * engine pages in the page the same way). The modules are the ones whatsapp-web.js 1.34.7 itself
 * uses: `WWebJS.getChat`, `getChatModel`, `getMessageModel`, `WAWebChatLoadMessages`,
 * `WAWebApiContact`, `WAWebContactProfilePicThumbBridge`.
 */

// biome-ignore lint/suspicious/noExplicitAny: WhatsApp Web's modules are untyped JavaScript.
type Wa = any;

/**
 * In the page: one page of chats as the library serializes them (`getChatModel`). `merge` folds a
 * LID chat into the person's phone-number chat when WhatsApp Web knows the mapping and has both:
 * one entry, the later of the two times and last messages, the unread counts added up.
 */
export const CHATS_PAGE = async (q: {
  sortBy?: 'conversationTimestamp' | 'id' | 'name';
  sortOrder?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  ids?: string[];
  merge?: boolean;
}) => {
  const w = window as unknown as { require(m: string): Wa; WWebJS: { getChatModel(c: Wa): Promise<Wa> } };
  let chats: Wa[] = w.require('WAWebCollections').Chat.getModelsArray().slice();
  const twins = new Map<Wa, Wa>();
  if (q.merge) {
    const contacts = w.require('WAWebApiContact');
    const byId = new Map(chats.map((c: Wa) => [c.id._serialized, c]));
    chats = chats.filter((c: Wa) => {
      if (!c.id.isLid?.()) return true;
      let pn: Wa = null;
      try {
        pn = contacts.getPhoneNumber(c.id);
      } catch {
        pn = null;
      }
      const main = pn && byId.get(pn._serialized);
      if (!main) return true;
      twins.set(main, c);
      return false;
    });
  }
  if (q.ids?.length) {
    const wanted = new Set(q.ids);
    chats = chats.filter((c: Wa) => wanted.has(c.id._serialized) || (twins.has(c) && wanted.has(twins.get(c).id._serialized)));
  }
  const time = (c: Wa) => Math.max(c.t ?? 0, twins.get(c)?.t ?? 0);
  const key =
    q.sortBy === 'conversationTimestamp'
      ? time
      : q.sortBy === 'id'
        ? (c: Wa) => c.id._serialized
        : q.sortBy === 'name'
          ? (c: Wa) => String(c.formattedTitle ?? c.name ?? '').toLowerCase()
          : null;
  if (key) {
    const dir = q.sortOrder === 'desc' ? -1 : 1;
    const at = new Map(chats.map((c: Wa, i: number) => [c, i]));
    chats.sort((a: Wa, b: Wa) => {
      const ka = key(a);
      const kb = key(b);
      return ka < kb ? -dir : ka > kb ? dir : at.get(a)! - at.get(b)!;
    });
  }
  const from = q.offset ?? 0;
  chats = chats.slice(from, q.limit ? from + q.limit : undefined);
  return await Promise.all(
    chats.map(async (c: Wa) => {
      const model = await w.WWebJS.getChatModel(c);
      const twin = twins.get(c);
      if (!model || !twin) return model;
      const other = await w.WWebJS.getChatModel(twin);
      model.t = time(c);
      model.unreadCount = Math.max(0, model.unreadCount ?? 0) + Math.max(0, other?.unreadCount ?? 0);
      if (other?.lastMessage && (!model.lastMessage || other.lastMessage.t > model.lastMessage.t)) model.lastMessage = other.lastMessage;
      return model;
    }),
  );
};

/**
 * In the page: the messages of a chat that pass `f`, newest first, `offset` of them skipped and
 * `limit` kept, serialized like the library's own (`getMessageModel`); null when WhatsApp Web
 * cannot open the chat. Older history is loaded as `Chat.fetchMessages` loads it
 * (`loadEarlierMsgs`), until enough messages pass the filter or the loaded ones reach back past
 * `f.timestampGte`. `merge` adds the person's other chat (LID ↔ phone number), when open.
 */
export const CHAT_HISTORY = async (
  chatId: string,
  f: { timestampGte?: number; timestampLte?: number; fromMe?: boolean; ack?: number },
  page: { limit: number; offset: number },
  merge: boolean,
) => {
  const w = window as unknown as {
    require(m: string): Wa;
    WWebJS: { getChat(id: string, o: { getAsModel: boolean }): Promise<Wa>; getMessageModel(m: Wa): Wa };
  };
  let chat: Wa = null;
  try {
    chat = await w.WWebJS.getChat(chatId, { getAsModel: false });
  } catch {
    chat = null;
  }
  if (!chat) return null;
  const keep = (m: Wa) =>
    !m.isNotification &&
    (f.fromMe === undefined || m.id.fromMe === f.fromMe) &&
    (f.timestampGte === undefined || m.t >= f.timestampGte) &&
    (f.timestampLte === undefined || m.t <= f.timestampLte) &&
    (f.ack === undefined || m.ack === f.ack);
  const need = page.offset + page.limit;
  const collect = async (c: Wa) => {
    let all: Wa[] = c.msgs.getModelsArray();
    let oldest = all.reduce((t: number, m: Wa) => Math.min(t, m.t), Infinity);
    let kept = all.filter(keep);
    while (kept.length < need && !(f.timestampGte !== undefined && oldest < f.timestampGte)) {
      const earlier: Wa[] = await w.require('WAWebChatLoadMessages').loadEarlierMsgs({ chat: c });
      if (!earlier?.length) break;
      all = [...earlier, ...all];
      oldest = earlier.reduce((t: number, m: Wa) => Math.min(t, m.t), oldest);
      kept = [...earlier.filter(keep), ...kept];
    }
    return kept;
  };
  let twin: Wa = null;
  if (merge && !chat.id.isGroup?.()) {
    try {
      const contacts = w.require('WAWebApiContact');
      const other = chat.id.isLid?.()
        ? contacts.getPhoneNumber(chat.id)
        : chat.id.server === 'c.us'
          ? contacts.getCurrentLid(chat.id)
          : null;
      twin = other ? w.require('WAWebCollections').Chat.get(other) : null;
    } catch {
      twin = null;
    }
  }
  const lists = [await collect(chat), ...(twin && twin !== chat ? [await collect(twin)] : [])];
  // Oldest first within each chat; newest first overall, the later of equal times first.
  const order = lists.flatMap((list) => list.map((m: Wa, i: number) => ({ m, i })));
  order.sort((a, b) => b.m.t - a.m.t || b.i - a.i);
  return order.slice(page.offset, need).map(({ m }) => w.WWebJS.getMessageModel(m));
};

/**
 * In the page: the profile picture URL of each id, as `Client.getProfilePicUrl` asks WhatsApp
 * for it, all at once; null when hidden, unset, or the question failed.
 */
export const PROFILE_PICTURES = async (ids: string[]) => {
  const w = window as unknown as {
    require(m: string): Wa;
    WWebJS: { getChat(id: string, o: { getAsModel: boolean }): Promise<Wa> };
  };
  return await Promise.all(
    ids.map(async (id) => {
      try {
        const chat = await w.WWebJS.getChat(id, { getAsModel: false });
        const pic = chat && (await w.require('WAWebContactProfilePicThumbBridge').requestProfilePicFromServer(chat));
        return (pic?.eurl as string | undefined) ?? null;
      } catch {
        return null;
      }
    }),
  );
};
