// presence.js: my presence and chat states going out; contacts' presence coming in.
//
// whatsapp-web.js 1.34.7 only sends (sendPresenceAvailable/Unavailable, Chat.sendStateTyping/
// Recording/clearState); it has no presence subscription and emits no presence event. What an
// engine has to do itself, as WAHA's WEBJS engine does, is modelled after WhatsApp Web:
// WAWebContactPresenceBridge.subscribePresence(wid, chat.getTcToken()), then read or listen to
// WAWebPresenceCollection.PresenceCollection (a model per chat: `chatstate` for a contact,
// `chatstates` per participant for a group, each `{ id, type, t }`).
//
// The server only sends presence to subscribers: `sim.presence()` for a chat nobody subscribed to
// is kept as the contact's current presence and sent when a subscription comes in.

// Presence states a test gives → WhatsApp Web's chatstate types. A paused chat state leaves the
// contact online.
const CHATSTATE_TYPES = {
  available: 'available',
  unavailable: 'unavailable',
  typing: 'typing',
  recording: 'recording_audio',
  paused: 'available',
};

class PresenceModel extends Model {
  constructor(attrs) {
    super({ isOnline: false, isSubscribed: false, hasData: false, ...attrs });
    this.id = createWid(this.id);
    hide(this, 'chatstate', new Model({ id: this.id, type: undefined, t: undefined }));
    hide(this, 'chatstates', new Collection());
  }
}

const presences = {
  collection: new Collection(PresenceModel),
  current: new Map(), // chat (serialized) → Map(participant → { type, t }): what the server would send
  mine: { presence: null, chatstates: new Map() }, // chat → last chat state I sent

  async subscribe(w) {
    const wid = createWid(w);
    const model = this.collection.gadd(wid, { silent: true });
    model.set('isSubscribed', true);
    actionLog.push({ kind: 'presence-subscribe', chatId: wid._serialized, t: nowSec() });
    for (const [participant, state] of this.current.get(wid._serialized) ?? []) this.deliver(model, participant, state);
  },
  /** From the phone's side: a contact (or a group participant) changes presence. Returns whether it was delivered. */
  incoming(chatId, { state, participant, lastSeen }) {
    const type = CHATSTATE_TYPES[state];
    if (!type) throw new Error(`[wa-sim] presence: unknown state ${state} (${Object.keys(CHATSTATE_TYPES).join(', ')})`);
    const chat = createWid(chatId);
    const who = participant ? createWid(participant) : chat.isGroup() ? this.someMember(chat) : chat;
    const record = { type, t: type === 'unavailable' ? (lastSeen ?? nowSec()) : nowSec() };
    if (!this.current.has(chat._serialized)) this.current.set(chat._serialized, new Map());
    this.current.get(chat._serialized).set(who._serialized, record);
    const model = this.collection.get(chat);
    if (!model?.isSubscribed) return false;
    this.deliver(model, who._serialized, record);
    return true;
  },
  deliver(model, participant, { type, t }) {
    const target = model.id.isGroup()
      ? (model.chatstates.get(participant) ?? model.chatstates.add({ id: createWid(participant) }, { silent: true })[0])
      : model.chatstate;
    target.set({ type, t });
    model.set({ hasData: true, isOnline: model.id.isGroup() ? model.isOnline : type !== 'unavailable' });
    model.trigger('change:chatstate', model, target);
  },
  someMember(chat) {
    const member = collections.GroupMetadata.get(chat)
      ?.participants.getModelsArray()
      .find((p) => !p.id.equals(session.me.wid));
    if (!member) throw new Error(`[wa-sim] presence: group ${chat} has no member to be present`);
    return member.id;
  },
  sendChatstate(w, state) {
    const chatId = createWid(w)._serialized;
    this.mine.chatstates.set(chatId, { state, t: nowSec() });
    actionLog.push({ kind: 'chatstate', chatId, state, t: nowSec() });
  },
  sendPresence(state) {
    this.mine.presence = state;
    actionLog.push({ kind: 'presence', state, t: nowSec() });
  },
};

// WhatsApp Web's chat model carries the privacy token a presence subscription sends along.
ChatModel.prototype.getTcToken = function getTcToken() {
  return this.tcToken;
};

Object.assign(modules, {
  // Chat.sendStateTyping / sendStateRecording / clearState (Utils.sendChatstate).
  WAWebChatStateBridge: {
    sendChatStateComposing: async (w) => presences.sendChatstate(w, 'typing'),
    sendChatStateRecording: async (w) => presences.sendChatstate(w, 'recording'),
    sendChatStatePaused: async (w) => presences.sendChatstate(w, 'paused'),
  },
  // Client.sendPresenceAvailable / sendPresenceUnavailable.
  WAWebPresenceChatAction: {
    sendPresenceAvailable: async () => presences.sendPresence('available'),
    sendPresenceUnavailable: async () => presences.sendPresence('unavailable'),
  },
  // Not used by whatsapp-web.js 1.34.7: what an engine calls itself to learn contacts' presence.
  WAWebContactPresenceBridge: { subscribePresence: (wid, _tcToken) => presences.subscribe(wid) },
  WAWebPresenceCollection: { PresenceCollection: presences.collection },
  WAWebChatCollection: { ChatCollection: collections.Chat },
});

Object.assign(api, {
  /** A contact (or a group participant) is online, offline, typing, recording or paused; true when delivered. */
  presence(chatId, { state, participant, lastSeen } = {}) {
    return presences.incoming(chatId, { state, participant, lastSeen });
  },
  /** My presence, the chats whose presence I subscribed to, and the last chat state I sent per chat. */
  presences() {
    return {
      presence: presences.mine.presence,
      subscribed: presences.collection.filter((m) => m.isSubscribed).map((m) => m.id._serialized),
      chatstates: Object.fromEntries(presences.mine.chatstates),
    };
  },
});
