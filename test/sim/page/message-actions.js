// message-actions.js: editing, pinning and revoking single messages, both ways, with WhatsApp's
// time limits (edit within 15 minutes, delete for everyone within 60 hours of sending), and what
// a test reads about one message: message(id), sentMedia(id).
//
// whatsapp-web.js reports edits through the Msg collection's `change:body change:caption`
// (message_edit, also for my own edits) and revokes through `change:type` to 'revoked'
// (message_revoke_everyone; Message.delete(true) on a message that may not be revoked deletes it
// for me only, without an error).

const EDIT_WINDOW_S = 15 * 60;
const REVOKE_WINDOW_S = 60 * 3600;
const CAPTIONED = new Set(['image', 'video', 'document']);
const MAX_PINS_PER_CHAT = 3;

const within = (msg, seconds) => nowSec() - msg.t <= seconds;
const isLive = (msg) => msg.type !== 'revoked' && collections.Msg.has(msg.id);

/** The fields a revoked message keeps: no content, the key of what was revoked. */
function revokedFields(msg, subtype) {
  return { type: 'revoked', subtype, body: '', caption: undefined, directPath: undefined, protocolMessageKey: msg.id };
}

const msgActions = {
  edits: new Map(), // msg id → earlier bodies / captions, oldest first
  pins: new Map(), // msg id → pin-table row: { parentMsgKey, chatId, pinType (1 pin, 2 unpin), senderTimestampMs, expiresAt }

  canEditText: (m) => m.id.fromMe && m.type === 'chat' && isLive(m) && within(m, EDIT_WINDOW_S),
  canEditCaption: (m) => m.id.fromMe && CAPTIONED.has(m.type) && isLive(m) && within(m, EDIT_WINDOW_S),

  /** A new body (or caption) for `msg`, sent by `editor`; the library sees change:body / change:caption. */
  apply(msg, content, editor, extra = {}) {
    const field = CAPTIONED.has(msg.type) ? 'caption' : 'body';
    const key = new MsgKey({
      fromMe: editor.equals(session.me.wid),
      remote: msg.id.remote,
      id: editor.equals(session.me.wid) ? newMsgId() : incomingId(),
      participant: msg.id.remote.isGroup() ? editor : undefined,
    });
    if (!this.edits.has(msg.id._serialized)) this.edits.set(msg.id._serialized, []);
    this.edits.get(msg.id._serialized).push(msg[field]);
    msg.set({ ...extra, latestEditMsgKey: key, latestEditSenderTimestampMs: Date.now(), [field]: content });
    return key;
  },
  /** WAWebSendMessageEditAction.sendMessageEdit (after the library checked canEditText / canEditCaption). */
  async sendEdit(msg, content, { mentionedJidList } = {}) {
    const key = this.apply(msg, content, session.me.wid, mentionedJidList ? { mentionedJidList } : {});
    pushOutbox({
      entry: {
        id: key._serialized,
        chatId: msg.id.remote._serialized,
        type: 'edit',
        editOf: msg.id._serialized,
        body: content,
        t: nowSec(),
      },
    });
    return { messageSendResult: 'OK' };
  },
  /** WAWebSendPinMessageAction.sendPinInChatMsg: 1 pins (for getPinExpiryDuration seconds), 2 unpins. */
  async sendPin(msg, action) {
    if (!isLive(msg)) return { messageSendResult: 'ERROR_UNKNOWN' };
    const duration = action === 1 ? modules.WAWebPinMsgConstants.getPinExpiryDuration() : 0;
    const chatId = msg.id.remote._serialized;
    this.pins.set(msg.id._serialized, {
      parentMsgKey: msg.id._serialized,
      chatId,
      pinType: action,
      senderTimestampMs: Date.now(),
      expiresAt: action === 1 ? nowSec() + duration : undefined,
    });
    const pinned = [...this.pins.values()].filter((p) => p.chatId === chatId && p.pinType === 1);
    for (const old of pinned.slice(0, Math.max(0, pinned.length - MAX_PINS_PER_CHAT))) old.pinType = 2; // the oldest pin gives way
    const type = action === 1 ? 'pin' : 'unpin';
    pushOutbox({ entry: { id: newMsgKeyIn(msg)._serialized, chatId, type, pinOf: msg.id._serialized, duration, t: nowSec() } });
    return { messageSendResult: 'OK' };
  },
  pinOf(msgId) {
    const row = this.pins.get(msgId);
    if (row?.pinType !== 1) return null;
    return row.expiresAt > nowSec() ? { expiresAt: row.expiresAt } : null;
  },
  snapshot(msg) {
    return clean({
      id: msg.id._serialized,
      chatId: msg.id.remote._serialized,
      type: msg.type,
      fromMe: msg.id.fromMe,
      body: msg.body,
      caption: msg.caption,
      ack: msg.ack,
      starred: Boolean(msg.star),
      edited: this.edits.has(msg.id._serialized),
      previousBodies: this.edits.get(msg.id._serialized),
      revoked: msg.type === 'revoked',
      pinned: this.pinOf(msg.id._serialized),
      hasMedia: Boolean(msg.directPath),
    });
  },
};

/** A key for a protocol message of mine (edit, pin) in the chat of `msg`. */
function newMsgKeyIn(msg) {
  const me = session.me.wid;
  return new MsgKey({ fromMe: true, remote: msg.id.remote, id: newMsgId(), participant: msg.id.remote.isGroup() ? me : undefined });
}

const incomingMsg = (msgId, what) => {
  const msg = collections.Msg.get(msgId);
  if (!msg) throw new Error(`[wa-sim] ${what}: message ${msgId} not found`);
  if (msg.id.fromMe) throw new Error(`[wa-sim] ${what}: ${msgId} is my own message (use the library)`);
  return msg;
};

Object.assign(modules, {
  // Message.delete (revoke or delete for me), star, edit.
  WAWebMsgActionCapability: {
    canStarMsg: () => true,
    canSenderRevokeMsg: (m) => m.id.fromMe && isLive(m) && within(m, REVOKE_WINDOW_S),
    canAdminRevokeMsg: () => false,
    canEditText: (m) => msgActions.canEditText(m),
    canEditCaption: (m) => msgActions.canEditCaption(m),
  },
  // Message.edit (Utils.editMessage).
  WAWebSendMessageEditAction: { sendMessageEdit: (msg, content, options) => msgActions.sendEdit(msg, content, options) },
  // Message.pin / unpin (Utils.pinUnpinMsgAction swaps getPinExpiryDuration for the call).
  WAWebPinMsgConstants: { getPinExpiryDuration: () => 7 * 86400 },
  WAWebSendPinMessageAction: { sendPinInChatMsg: (msg, action) => msgActions.sendPin(msg, action) },
  // Client.getPinnedMessages.
  WAWebPinInChatSchema: {
    getTable: () => ({
      equals: async ([field], value) => (field === 'chatId' ? [...msgActions.pins.values()].filter((p) => p.chatId === value) : []),
    }),
  },
});

Object.assign(api, {
  /** One message as the page holds it (null when it is not in the page, e.g. deleted for me). */
  message(id) {
    const msg = collections.Msg.get(id);
    return msg ? msgActions.snapshot(msg) : null;
  },
  /** The media of a message (sent or received): type, mimetype, filename, size, voice-note flags and the bytes (base64). */
  async sentMedia(id) {
    const msg = collections.Msg.get(id);
    if (!msg?.directPath) throw new Error(`[wa-sim] sentMedia: ${id} has no media in the page`);
    const { type, mimetype, filename, size, isGif, isViewOnce } = msg;
    return clean({
      type,
      mimetype,
      filename,
      size,
      isGif,
      isViewOnce,
      hasWaveform: Boolean(msg.waveform),
      data: await media.dataOf(msg.directPath),
    });
  },
  /** The sender edits their message: the library emits `message_edit`. */
  editIncoming(msgId, body) {
    const msg = incomingMsg(msgId, 'editIncoming');
    msgActions.apply(msg, body, msg.sender);
  },
  /** The sender deletes their message for everyone: the library emits `message_revoke_everyone`. */
  revokeIncoming(msgId) {
    const msg = incomingMsg(msgId, 'revokeIncoming');
    msg.set(revokedFields(msg, 'sender_revoke'));
  },
});
