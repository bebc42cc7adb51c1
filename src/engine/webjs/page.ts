/**
 * Functions that run inside WhatsApp Web's page (through puppeteer's evaluate). whatsapp-web.js
 * 1.34 reaches WhatsApp Web's modules as `window.require('WAWeb…')`; these use the same modules
 * the library's own injected code does (its src/util/Injected).
 */

/** A WhatsApp Web model or module: the page's own objects carry no types. */
// biome-ignore lint/suspicious/noExplicitAny: WhatsApp Web's modules are untyped JavaScript.
type Wa = any;

/**
 * In WhatsApp Web's page: ids and times of incoming messages from `since` (s) on, in the `limit`
 * chats active most recently. The same reads as whatsapp-web.js's `Chat.fetchMessages`
 * (chat.msgs, then loadEarlierMsgs pages), but it stops paging once the loaded messages reach
 * back past `since`, and skips what `message` never carries: our own messages, notifications,
 * group changes, undecrypted ones. Only ids cross to Node: most are already published.
 */
export const RECENT_INCOMING_IDS = async (since: number, limit: number, perChat: number) => {
  const w = window as unknown as { require(m: string): Wa };
  const chats = w
    .require('WAWebCollections')
    .Chat.getModelsArray()
    .filter((c: Wa) => (c.t ?? 0) >= since)
    .sort((a: Wa, b: Wa) => b.t - a.t)
    .slice(0, limit);
  const wanted = (m: Wa) => !m.id.fromMe && !m.isNotification && m.type !== 'gp2' && m.type !== 'ciphertext' && m.t >= since;
  const out: { id: string; t: number }[] = [];
  for (const chat of chats) {
    let msgs: Wa[] = chat.msgs.getModelsArray();
    const oldest = () => msgs.reduce((t, m) => Math.min(t, m.t), Infinity);
    while (msgs.length < perChat && oldest() >= since) {
      const earlier = await w.require('WAWebChatLoadMessages').loadEarlierMsgs({ chat });
      if (!earlier?.length) break;
      msgs = [...earlier, ...msgs];
    }
    for (const m of msgs) if (wanted(m)) out.push({ id: m.id._serialized, t: m.t });
  }
  return out;
};

/** In the page: the messages with these ids, serialized like the library's own events. */
export const MESSAGES_BY_ID = (ids: string[]) => {
  const w = window as unknown as { require(m: string): Wa; WWebJS: { getMessageModel(m: unknown): unknown } };
  const Msg = w.require('WAWebCollections').Msg;
  return ids
    .map((id) => Msg.get(id))
    .filter(Boolean)
    .map((m: unknown) => w.WWebJS.getMessageModel(m));
};

/**
 * In the page: the LID ↔ phone-number mappings WhatsApp Web holds for its contacts, by LID.
 * WhatsApp Web keeps them in a private cache whose field name is minified; asking
 * WAWebApiContact for each contact (as the library's own getContactLidAndPhone does) reads the
 * same mappings without asking the server.
 */
export const KNOWN_LIDS = () => {
  const w = window as unknown as { require(m: string): Wa };
  const api = w.require('WAWebApiContact');
  const found = new Map<string, string>();
  for (const c of w.require('WAWebCollections').Contact.getModelsArray()) {
    const id = c.id;
    const isLid = id?.server === 'lid';
    if (!isLid && id?.server !== 'c.us') continue;
    const lid = isLid ? id : api.getCurrentLid(id);
    const pn = isLid ? api.getPhoneNumber(id) : id;
    if (lid?._serialized && pn?._serialized) found.set(lid._serialized, pn._serialized);
  }
  return [...found].sort(([a], [b]) => a.localeCompare(b)).map(([lid, pn]) => ({ lid, pn }));
};

/** In the page: rejects a ringing call, as the library's Call.reject does (its Call class is not exported). */
export const REJECT_CALL = async (from: string, callId: string) => {
  const w = window as unknown as { WWebJS: { rejectCall(from: string, id: string): Promise<unknown> } };
  await w.WWebJS.rejectCall(from, callId);
};

/**
 * In the page: my newest status post with this text, serialized like the library's messages. A text status the
 * library posts comes back as a message WhatsApp Web never sent (it builds its own from the
 * text); the posted one is the newest of my status.
 */
export const MY_LATEST_STATUS = (body: string) => {
  const w = window as unknown as { require(m: string): Wa; WWebJS: { getMessageModel(m: unknown): unknown } };
  const mine = w.require('WAWebCollections').Status.getMyStatus();
  const msgs: Wa[] = (mine?.msgs?.getModelsArray?.() ?? []).filter((m: Wa) => m.body === body);
  const last = [...msgs].sort((a, b) => (a.t ?? 0) - (b.t ?? 0)).at(-1);
  return last ? w.WWebJS.getMessageModel(last) : null;
};

/** In the page: the account's LID (`…@lid`), or null when WhatsApp Web has none for it yet. */
export const ME_LID = (): string | null => {
  const w = window as unknown as { require(m: string): Wa };
  return w.require('WAWebUserPrefsMeUser').getMaybeMeLidUser()?._serialized ?? null;
};
