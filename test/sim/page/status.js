// status.js: status updates ("stories", status@broadcast): mine going out, contacts' coming in.
//
// whatsapp-web.js posts a status through WAWebSendStatusMsgAction: media as the message model it
// built (sendStatusMediaMsgAction(msg, mediaUpdate)), text as bare options
// (sendStatusTextMsgAction({ text, color, font })), from which WhatsApp Web builds a message of its
// own. So for a text status the Message the library returns carries an id nobody posted; the
// posted one is in the Status collection (and the outbox).

const STATUS_WID = createWid('status@broadcast');

class StatusModel extends Model {
  constructor(attrs) {
    super({ t: 0, totalCount: 0, unreadCount: 0, ...attrs });
    this.id = createWid(this.id);
    hide(this, 'msgs', new Collection(MsgModel, { comparator: byTime }));
  }
  serialize() {
    return { ...super.serialize(), msgs: this.msgs.getModelsArray().map((m) => m.serialize()) };
  }
}

const statuses = {
  collection: Object.assign(new Collection(StatusModel), {
    getMyStatus: () => session.me && statuses.of(session.me.wid),
  }),
  posts: [], // my status messages, oldest first (revoked ones stay, marked)

  of(wid) {
    return this.collection.gadd(wid, { silent: true });
  },
  add(owner, msg) {
    const status = this.of(owner);
    status.msgs.add(msg, { silent: true });
    status.set({ t: msg.t, totalCount: status.msgs.length, unreadCount: status.unreadCount + (msg.id.fromMe ? 0 : 1) });
    collections.Msg.add(msg);
  },
  post(msg) {
    this.posts.push(msg);
    this.add(session.me.wid, msg);
    pushOutbox({ msg });
    setTimeout(() => msg.updateAck(1), acks.delayMs);
  },
  /** sendStatusTextMsgAction: WhatsApp Web makes the message itself. */
  async postText({ text, color, font }) {
    const me = session.me.wid;
    const id = new MsgKey({ fromMe: true, remote: STATUS_WID, id: newMsgId(), participant: me });
    const msg = new MsgModel({ id, type: 'chat', body: text, backgroundColor: color, font, from: me, to: STATUS_WID, author: me });
    this.post(Object.assign(msg, statusFields()));
  },
  /** sendStatusMediaMsgAction: the library's message, completed by the media update it passes. */
  async postMedia(msg, mediaUpdate) {
    mediaUpdate(msg);
    this.post(Object.assign(msg, statusFields()));
  },
  async revoke(status, msg) {
    revoke([msg]);
    status.msgs.remove(msg, { silent: true });
    status.set('totalCount', status.msgs.length);
  },
  /** From the phone's side: a contact posts a status (text or media). Returns the message id. */
  async incoming({ from, body = '', media: file, caption, id }) {
    const author = createWid(from);
    const key = new MsgKey({ fromMe: false, remote: STATUS_WID, id: id ?? incomingId(), participant: author });
    const data = { id: key, type: 'chat', body, from: STATUS_WID, to: session.me.wid, author, ack: 1, isNewMsg: true };
    if (file) Object.assign(data, await media.incoming(file), { body: '', caption: caption ?? body });
    store.contact(author);
    this.add(author, Object.assign(new MsgModel(data), statusFields(false)));
    return key._serialized;
  },
  summary(msg) {
    return clean({
      ...summarize(msg),
      backgroundColor: msg.backgroundColor,
      font: msg.font,
      revoked: msg.type === 'revoked' || undefined,
    });
  },
};

const statusFields = (fromMe = true) => ({ t: nowSec(), self: fromMe ? 'out' : 'in', isNewMsg: true, isStatusV3: true, broadcast: true });

Object.assign(modules, {
  // Utils.sendMessage to status@broadcast.
  WAWebSendStatusMsgAction: {
    sendStatusTextMsgAction: (options) => statuses.postText(options),
    sendStatusMediaMsgAction: (msg, mediaUpdate) => statuses.postMedia(msg, mediaUpdate),
  },
  WAWebMediaUpdateMsg: (msg, mediaData) => msg.set(mediaData.toJSON ? mediaData.toJSON() : mediaData),
  WAWebStatusGatingUtils: { canCheckStatusRankingPosterGating: () => false },
  // Client.revokeStatusMessage.
  WAWebRevokeStatusAction: { sendStatusRevokeMsgAction: (status, msg) => statuses.revoke(status, msg) },
});
collections.Status = statuses.collection; // in place of store.js's plain one: status models with their messages

Object.assign(api, {
  /** My status posts, oldest first, with what the library sent (colour and font for text). */
  statusPosts() {
    return statuses.posts.map((m) => statuses.summary(m));
  },
  /** A contact posts a status; the library emits `message` from status@broadcast with the contact as author. */
  receiveStatus(spec) {
    return statuses.incoming(spec);
  },
});
