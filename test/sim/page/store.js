// store.js: the account's data. Message, chat, contact and group models, the collections
// whatsapp-web.js reads through `require('WAWebCollections')`, and group changes.

const byTime = (a, b) => a.t - b.t;

class MsgModel extends Model {
  constructor(attrs) {
    // Media internals from the send path stay out of the message's data.
    const { mediaBlob, renderableUrl, ...data } = attrs;
    super({ ack: 0, isNewMsg: false, star: false, ...data });
    if (!(this.id instanceof MsgKey)) this.id = new MsgKey(this.id);
    hide(this, 'mediaData', this.directPath ? new Model({ mediaStage: 'RESOLVED' }) : undefined);
    hide(this, 'mediaObject', this.directPath ? { type: this.type, filehash: this.filehash } : undefined);
  }
  get chat() {
    return collections.Chat.get(this.id.remote);
  }
  get sender() {
    return this.id.fromMe ? session.me?.wid : (this.author ?? this.from);
  }
  unsafe() {
    return this;
  }
  canReply() {
    return this.type !== 'revoked' && this.type !== 'gp2';
  }
  /** The fields a reply to this message carries (what WhatsApp Web puts in a quote). */
  msgContextInfo(chat) {
    return {
      quotedMsg: { type: this.type, body: this.body, caption: this.caption, mimetype: this.mimetype },
      quotedStanzaID: this.id.id,
      quotedParticipant: this.sender,
      quotedRemoteJid: this.id.remote.equals(chat.id) ? undefined : this.id.remote,
    };
  }
  async downloadMedia() {
    this.mediaData?.set('mediaStage', 'RESOLVED');
  }
  updateAck(ack) {
    if (ack > this.ack) this.set('ack', ack);
  }
}

class ChatModel extends Model {
  constructor(attrs) {
    super({ t: 0, unreadCount: 0, archive: false, pin: 0, isLocked: false, muteExpiration: 0, isReadOnly: false, notSpam: true, ...attrs });
    this.id = createWid(this.id);
    this.kind = this.id.isGroup() ? 'group' : 'chat';
    hide(this, 'msgs', new Collection(MsgModel, { comparator: byTime }));
    hide(this, 'earlier', []); // older history, handed out by loadEarlierMsgs
    hide(this, 'groupMetadata', collections.GroupMetadata.get(this.id));
    const chat = this;
    hide(this, 'mute', {
      expiration: 0,
      async mute({ expiration }) {
        this.expiration = expiration;
        chat.set('muteExpiration', expiration);
      },
      async unmute() {
        this.expiration = 0;
        chat.set('muteExpiration', 0);
      },
    });
  }
  get formattedTitle() {
    if (this.groupMetadata) return this.groupMetadata.subject;
    const c = collections.Contact.get(this.id);
    return this.name ?? c?.name ?? c?.pushname ?? `+${this.id.user}`;
  }
  get isGroup() {
    return this.id.isGroup();
  }
  iAmAdmin() {
    return Boolean(this.groupMetadata?.participants.get(session.me?.wid)?.isAdmin);
  }
  serialize() {
    return { ...super.serialize(), msgs: this.msgs.getModelsArray().map((m) => m.id._serialized) };
  }
}

class ContactModel extends Model {
  constructor(attrs) {
    super({
      type: 'in',
      isBusiness: false,
      isEnterprise: false,
      isContactBlocked: false,
      isMyContact: false,
      isWAContact: true,
      statusMute: false,
      labels: [],
      ...attrs,
    });
    this.id = createWid(this.id);
  }
  get formattedName() {
    return this.name ?? this.pushname ?? `+${this.id.user}`;
  }
}

class ParticipantModel extends Model {
  constructor(attrs) {
    super({ isAdmin: false, isSuperAdmin: false, ...attrs });
    this.id = createWid(this.id);
  }
}

class GroupMetadataModel extends Model {
  constructor({ participants = [], ...attrs }) {
    super({
      subject: '',
      creation: nowSec(),
      restrict: false,
      announce: false,
      memberAddMode: 'all_member_add',
      membershipApprovalMode: false,
      isLidAddressingMode: false,
      ...attrs,
    });
    this.id = createWid(this.id);
    hide(this, 'participants', new Collection(ParticipantModel));
    hide(this, 'pendingParticipants', new Collection(ParticipantModel));
    hide(this, 'membershipApprovalRequests', new Collection(ParticipantModel));
    this.participants.add(participants, { silent: true });
  }
  serialize() {
    return { ...super.serialize(), participants: this.participants.serialize(), size: this.participants.length };
  }
}

/** Whether the picture may be changed is the group's rule (groups.js): ours, or a group's under its settings. */
class ProfilePicModel extends Model {
  canSet() {
    return pictures.canChange(this.id);
  }
  canDelete() {
    return this.canSet() && Boolean(store.profilePicUrl(this.id));
  }
}

const collections = {
  Msg: new Collection(MsgModel),
  Chat: new Collection(ChatModel, { comparator: (a, b) => b.t - a.t }),
  Contact: new Collection(ContactModel),
  GroupMetadata: new Collection(GroupMetadataModel),
  ProfilePicThumb: new Collection(ProfilePicModel),
  BusinessProfile: new Collection(),
  Blocklist: new Collection(),
  Label: new Collection(),
  Status: new Collection(),
  Reactions: new Collection(),
  WAWebNewsletterCollection: new Collection(),
};
// WhatsApp Web's chat collection names the chat open in the UI; nothing is ever open here.
collections.Chat.getActive = () => collections.Chat.getModelsArray().find((c) => c.active === true);
Object.assign(collections.Msg, {
  async getMessagesById(ids) {
    return { messages: ids.map((id) => collections.Msg.get(id)).filter(Boolean) };
  },
  async search(query, page = 1, count = 100, remote) {
    const q = String(query).toLowerCase();
    const hits = collections.Msg.filter(
      (m) =>
        (!remote || m.id.remote.equals(remote)) &&
        String(m.body ?? m.caption ?? '')
          .toLowerCase()
          .includes(q),
    );
    return { messages: hits.slice((page - 1) * count, page * count) };
  },
});
collections.ProfilePicThumb.find = async (id) => {
  const wid = createWid(id);
  return (
    collections.ProfilePicThumb.get(wid) ??
    collections.ProfilePicThumb.add({ id: wid, eurl: store.profilePicUrl(wid), tag: '1' }, { silent: true })[0]
  );
};

const store = {
  registered: new Map(), // "<number>@c.us" → false for numbers that are not on WhatsApp
  profilePics: new Map(), // id → url, or null for "hidden by privacy settings"
  seeded: false,
  /** More of the account, seeded after the chats (labels.js, channels.js push here). */
  seeders: [],

  chat(id) {
    const wid = createWid(id);
    return collections.Chat.get(wid) ?? collections.Chat.add({ id: wid, t: nowSec() })[0];
  },
  contact(id, attrs = {}) {
    const wid = createWid(id);
    const c = collections.Contact.get(wid) ?? collections.Contact.add({ id: wid, ...lids.contactAttrs(wid) }, { silent: true })[0];
    c.set(attrs);
    return c;
  },
  isRegistered(wid) {
    return !wid.isUser() || this.registered.get(wid._serialized) !== false;
  },
  profilePicUrl(wid) {
    if (this.profilePics.has(wid._serialized)) return this.profilePics.get(wid._serialized);
    // One expiry per page, as a CDN link WhatsApp Web caches: asking twice gives the same URL.
    this.picExpiry ??= nowSec() + 86400;
    return `https://pps.whatsapp.net/v/t61.24694-24/sim_${wid.user}.jpg?oh=sim&oe=${this.picExpiry}`;
  },
  /** Puts a message into its chat and the global Msg collection (`add` reaches the library). */
  addToChat(chat, msg, { silent = false } = {}) {
    chat.msgs.add(msg, { silent: true });
    collections.Msg.add(msg, { silent });
    if (msg.t >= chat.t) {
      chat.lastReceivedKey = msg.id;
      chat.set('t', msg.t);
      collections.Chat._sorted = null;
    }
    return msg;
  },
  /** A group we are in; `admins` (and `owner`, the superadmin) decide whether we are an admin too. */
  addGroup({ id, subject, participants = [], admins = [], owner = session.me?.wid, creation = nowSec(), ...attrs }) {
    const gid = createWid(id ?? `120363${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}@g.us`);
    const me = session.me?.wid;
    const ownerId = owner ? keyOf(owner) : undefined;
    const adminIds = new Set([ownerId, ...admins.map(keyOf)]);
    const list = [...new Set([me?._serialized, ...participants.map(keyOf)].filter(Boolean))];
    collections.GroupMetadata.add(
      {
        ...attrs,
        id: gid,
        subject,
        owner: ownerId && createWid(ownerId),
        creation,
        participants: list.map((p) => ({ id: p, isAdmin: adminIds.has(p), isSuperAdmin: p === ownerId })),
      },
      { silent: true },
    );
    const chat = collections.Chat.get(gid) ?? collections.Chat.add({ id: gid, t: creation }, { silent: true })[0];
    chat.groupMetadata = collections.GroupMetadata.get(gid);
    this.contact(gid, { name: subject });
    return chat;
  },
  /**
   * A group change notification (gp2): the library turns it into group_join / group_leave / ...
   * `recipients` reach the library as id strings (GroupNotification.recipientIds is typed
   * string[] and read that way by its users); `body` carries the new subject or description.
   * Returns the notification message, or null for a group the account does not see.
   */
  groupNotification(chat, subtype, recipients, author = session.me.wid, body = '') {
    // A group only the server knows (groups.js): nothing reaches the account.
    if (!(chat instanceof ChatModel)) return null;
    const fromMe = author.equals(session.me.wid);
    const id = new MsgKey({ fromMe, remote: chat.id, id: newMsgId(), participant: author });
    const msg = new MsgModel({
      id,
      type: 'gp2',
      subtype,
      recipients: recipients.map(keyOf),
      author,
      from: chat.id,
      to: chat.id,
      t: nowSec(),
      isNewMsg: true,
      isNotification: true,
      body,
    });
    this.addToChat(chat, msg);
    return msg;
  },
  /** Members added, removed, promoted or demoted: by us (logged as an action) or by `author`. */
  changeParticipants(chat, action, wids, author) {
    const parts = chat.groupMetadata.participants;
    for (const wid of wids) {
      if (action === 'add' || action === 'invite') parts.add({ id: wid });
      if (action === 'remove' || action === 'leave') parts.remove(wid);
      if (action === 'promote' || action === 'demote') parts.get(wid)?.set('isAdmin', action === 'promote');
    }
    if (!author) {
      actionLog.push({ kind: 'group-participants', chatId: chat.id._serialized, action, participants: wids.map(keyOf), t: nowSec() });
    }
    return this.groupNotification(chat, action, wids, author);
  },
  seedAccount() {
    if (this.seeded) return;
    this.seeded = true;
    this.contact(session.me.wid, { pushname: session.me.pushName, isMe: true, isMyContact: true });
    seedAccount(CONFIG.account, CONFIG.ids);
    for (const hook of seedHooks) hook();
    for (const seed of this.seeders) seed(CONFIG.account, CONFIG.ids);
  },
};

/** What the area files (contacts.js, profile.js, ...) add to a freshly seeded account. */
const seedHooks = [];

/** The group jobs whatsapp-web.js calls (createGroup, addParticipants, removeParticipants, ...). */
const groups = {
  async createGroup(opts, participants) {
    const chat = store.addGroup({ subject: opts.title, participants: participants.map((p) => p.phoneNumber) });
    actionLog.push({
      kind: 'group-create',
      chatId: chat.id._serialized,
      subject: opts.title,
      participants: participants.map((p) => p.phoneNumber._serialized),
      t: nowSec(),
    });
    return { wid: chat.id, subject: opts.title, participants: participants.map((p) => ({ wid: p.phoneNumber })) };
  },
  /** WASmaxGroupsAddParticipantsRPC: one participant per call in whatsapp-web.js. */
  async sendAddParticipantsRPC({ participantArgs, iqTo }) {
    const chat = collections.Chat.get(createWid(iqTo));
    const wids = participantArgs.map((a) => createWid(a.participantJid));
    const known = wids.filter((w) => chat.groupMetadata.participants.has(w));
    const fresh = wids.filter((w) => !known.includes(w));
    if (fresh.length) store.changeParticipants(chat, 'add', fresh);
    const mixin = { name: 'ParticipantAdded', value: known.length ? { error: '409' } : {} };
    return {
      name: 'AddParticipantsResponseSuccess',
      value: {
        addParticipant: wids.map(() => ({
          addParticipantsParticipantAddedOrNonRegisteredWaUserParticipantErrorLidResponseMixinGroup: {
            value: { addParticipantsParticipantMixins: mixin },
          },
        })),
      },
    };
  },
  /** WAWebModifyParticipantsGroupAction: admins only, as the server enforces. */
  async modify(action, chat, participants) {
    requireGroupAdmin(chat);
    // The library drops ids that are not members before calling: nothing left, nothing changes.
    if (!participants.length) return;
    store.changeParticipants(
      chat,
      action,
      participants.map((p) => p.id ?? createWid(p)),
    );
  },
};

/**
 * Messages received (receive()) and sent in this profile, kept in localStorage like WhatsApp
 * Web keeps them in IndexedDB, and put back into their chats at the next load (silently:
 * history, not new messages). Without it a restart would forget what the page had received,
 * which WhatsApp Web does not. Seeded history is regenerated from the seed instead, so only
 * these are stored: one key per message, the newest HISTORY_CAP kept. A new pairing clears it.
 */
const HISTORY_CAP = 3000;
const HISTORY_KEY = 'wa-sim/history';
const msgHistory = {
  range() {
    return readJson(HISTORY_KEY) ?? { first: 0, next: 0 };
  },
  save(msg) {
    const r = this.range();
    try {
      localStorage.setItem(`${HISTORY_KEY}/${r.next}`, JSON.stringify(msg.serialize()));
    } catch (err) {
      console.error('[wa-sim] history: not stored', err);
      return;
    }
    r.next++;
    while (r.next - r.first > HISTORY_CAP) localStorage.removeItem(`${HISTORY_KEY}/${r.first++}`);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(r));
  },
  /** At load, after the seeded account: the stored messages, back in their chats. */
  restore() {
    const r = this.range();
    for (let i = r.first; i < r.next; i++) {
      const data = readJson(`${HISTORY_KEY}/${i}`);
      if (!data || collections.Msg.get(data.id?._serialized)) continue;
      const { id, ...rest } = revive(data);
      const msg = new MsgModel({ ...rest, id: new MsgKey(id), isNewMsg: false });
      store.addToChat(store.chat(msg.id.remote), msg, { silent: true });
    }
  },
  /** Drops the stored messages `isGone` picks (deleted for me, cleared, or in a deleted chat). */
  forget(isGone) {
    const r = this.range();
    for (let i = r.first; i < r.next; i++) {
      const data = readJson(`${HISTORY_KEY}/${i}`);
      if (data && isGone(data)) localStorage.removeItem(`${HISTORY_KEY}/${i}`);
    }
  },
  clear() {
    const r = this.range();
    for (let i = r.first; i < r.next; i++) localStorage.removeItem(`${HISTORY_KEY}/${i}`);
    localStorage.removeItem(HISTORY_KEY);
  },
};

/** JSON of a model back to ids: `{ server, user, _serialized }` objects become Wids again. */
function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (!v || typeof v !== 'object') return v;
  if (typeof v._serialized === 'string' && typeof v.server === 'string' && typeof v.user === 'string') return createWid(v._serialized);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
}
