// chats.js: deleting and clearing chats, and what a test reads about a chat: chatState(id).
// Archive, pin, mute and mark-unread are in modules.js (Cmd, chat.mute).
//
// Deleting a chat removes it from the Chat collection, which whatsapp-web.js reports as
// `chat_removed`; its handler then calls getChatById, whose findOrCreateLatestChat makes an
// empty chat of the same id again. So after a delete the chat exists, without messages.

const chats = {
  /** Takes messages out of a chat and the Msg collection (WhatsApp Web drops them from its database). */
  drop(chat, keep = () => false) {
    const gone = [...chat.earlier, ...chat.msgs.getModelsArray()].filter((m) => !keep(m));
    chat.earlier.splice(0, chat.earlier.length, ...chat.earlier.filter(keep));
    for (const m of gone) {
      chat.msgs.remove(m, { silent: true });
      collections.Msg.remove(m, { silent: true });
    }
    const ids = new Set(gone.map((m) => m.id._serialized));
    msgHistory.forget((data) => ids.has(data.id?._serialized));
    const last = chat.msgs.getModelsArray().at(-1);
    chat.lastReceivedKey = last?.id;
    chat.set('unreadCount', 0);
    return gone.length;
  },
  /** WAWebChatClearBridge.sendClear: every message goes, starred ones too unless `keepStarred`. */
  async clear(chat, keepStarred) {
    const removed = this.drop(chat, (m) => keepStarred && m.star);
    actionLog.push({ kind: 'chat-clear', chatId: chat.id._serialized, keepStarred: Boolean(keepStarred), removed, t: nowSec() });
  },
  /** WAWebDeleteChatAction.sendDelete. */
  async remove(chat) {
    const removed = this.drop(chat);
    actionLog.push({ kind: 'chat-delete', chatId: chat.id._serialized, removed, t: nowSec() });
    collections.Chat.remove(chat);
  },
  snapshot(id) {
    const wid = createWid(id);
    const chat = collections.Chat.get(wid);
    if (!chat) return { id: wid._serialized, exists: false };
    return clean({
      id: wid._serialized,
      exists: true,
      archived: Boolean(chat.archive),
      pinned: Boolean(chat.pin),
      muted: chat.mute.expiration !== 0,
      muteExpiration: chat.mute.expiration,
      unreadCount: chat.unreadCount,
      markedUnread: chat.unreadCount === -1,
      messages: chat.msgs.length + chat.earlier.length,
      lastMessageId: chat.msgs.getModelsArray().at(-1)?.id._serialized,
    });
  },
};

Object.assign(modules, {
  // Chat.clearMessages (Utils.sendClearChat), Chat.delete (Utils.sendDeleteChat).
  WAWebChatClearBridge: { sendClear: (chat, keepStarred) => chats.clear(chat, keepStarred) },
  WAWebDeleteChatAction: { sendDelete: (chat) => chats.remove(chat) },
});

Object.assign(api, {
  /** A chat's state: exists, archived, pinned, muted, unread (count, marked unread), how many messages. */
  chatState(chatId) {
    return chats.snapshot(chatId);
  },
});
