/**
 * The in-page part of memory relief: drop old messages that WhatsApp Web keeps loaded in
 * its collections for chats nobody is reading. Dropped messages stay in WhatsApp Web's IndexedDB,
 * so history requests load them again (whatsapp-web.js falls back to `Msg.getMessagesById` and
 * `loadEarlierMsgs` when a message is not in memory).
 *
 * whatsapp-web.js 1.34 reaches the collections as `window.require('WAWebCollections')` (its
 * src/util/Injected/Utils.js: `.Chat.getModelsArray()`, `.Msg.get(id)`, each chat's `msgs`);
 * older versions exposed the same objects as `window.Store`. Both are tried, and every member is
 * checked before use: on a page without them (still loading, another WhatsApp Web build) the
 * function returns `available: false` and touches nothing.
 *
 * Kept always: the chat open in the page (`Chat.getActive()` / `chat.active`), the newest
 * `keepPerChat` messages of every chat, and our own messages not yet acknowledged by the server
 * (ack < 1: a send in flight).
 */

/** What the in-page trim did. */
export interface TrimResult {
  available: boolean;
  chats: number;
  trimmedChats: number;
  removed: number;
  errors: number;
}

/** Source of a function with no parameters, evaluated in the page as `(${source})()`. */
export function trimSource(keepPerChat = 20): string {
  const keep = Math.max(0, Math.floor(keepPerChat));
  return `() => {
  const KEEP = ${keep};
  const out = { available: false, chats: 0, trimmedChats: 0, removed: 0, errors: 0 };
  const usable = (c) => c && c.Chat && typeof c.Chat.getModelsArray === 'function';
  let C = null;
  try { if (typeof window.require === 'function') C = window.require('WAWebCollections'); } catch (e) { C = null; }
  if (!usable(C)) C = window.Store;
  if (!usable(C)) return out;
  out.available = true;
  let active = null;
  try { if (typeof C.Chat.getActive === 'function') active = C.Chat.getActive(); } catch (e) { out.errors++; }
  let chats = [];
  try { chats = C.Chat.getModelsArray() || []; } catch (e) { out.errors++; return out; }
  for (const chat of chats) {
    out.chats++;
    try {
      if (!chat || chat === active || chat.active === true) continue;
      const msgs = chat.msgs;
      if (!msgs || typeof msgs.getModelsArray !== 'function' || typeof msgs.remove !== 'function') continue;
      const all = msgs.getModelsArray().slice();
      if (all.length <= KEEP) continue;
      all.sort((a, b) => ((a && a.t) || 0) - ((b && b.t) || 0));
      const old = all.slice(0, all.length - KEEP).filter((m) => m && !(m.id && m.id.fromMe && (m.ack == null || m.ack < 1)));
      if (old.length === 0) continue;
      msgs.remove(old);
      if (C.Msg && typeof C.Msg.remove === 'function') C.Msg.remove(old);
      out.trimmedChats++;
      out.removed += old.length;
    } catch (e) { out.errors++; }
  }
  return out;
}`;
}
