// groups.js: groups beyond create/add/remove (store.js), as WhatsApp's server keeps them: groups
// the account is not in yet (joinable by invite code, in `groupServer.remote`), invite codes,
// who may change what, subject / description / setting changes and pictures, each a
// notification to the account. groups-api.js puts them behind the modules and the control.
//
// WhatsApp answers a refused change with a ServerStatusCodeError; whatsapp-web.js turns that
// into `false` / `undefined` for some calls (setSubject, setDescription, the settings, the
// invite code, pictures) and lets it through for others (revokeInvite, promote, demote, remove).

/** A refusal as WhatsApp Web's server jobs throw it (the library tests `err.name`). */
function serverError(statusCode, text) {
  return Object.assign(new Error(`[wa-sim] ${text}`), { name: 'ServerStatusCodeError', statusCode });
}

const meWid = () => session.me.wid;
const roleOf = (p) => (p.isSuperAdmin ? 'superadmin' : p.isAdmin ? 'admin' : 'participant');
const randomCode = (n) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => abc[b % abc.length]).join('');
};

const groupServer = {
  remote: new Map(), // gid → GroupMetadataModel of a group the account is not in
  codes: new Map(), // gid → current invite code
  byCode: new Map(), // invite code → gid
  pictures: new Map(), // gid → { url, thumbnail, image } as set through the library (data URLs)

  meta(id) {
    const gid = createWid(id);
    return collections.GroupMetadata.get(gid) ?? this.remote.get(gid._serialized);
  },
  inviteCode(gid) {
    const key = keyOf(gid);
    if (!this.codes.has(key)) this.setInviteCode(key, randomCode(22));
    return this.codes.get(key);
  },
  setInviteCode(gid, code) {
    const key = keyOf(gid);
    const old = this.codes.get(key);
    if (old) this.byCode.delete(old);
    this.codes.set(key, code);
    this.byCode.set(code, key);
    return code;
  },
  /** A group on the server that the account is not a member of (yet). */
  addRemote({ id, subject, participants = [], admins = [], owner, creation = nowSec(), ...attrs }) {
    const gid = createWid(id ?? `120363${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}@g.us`);
    const ownerId = keyOf(owner ?? participants[0]);
    if (!ownerId) throw new Error('[wa-sim] addGroup: a group we are not in needs an owner or participants');
    const adminIds = new Set([ownerId, ...admins.map(keyOf)]);
    const list = [...new Set([ownerId, ...participants.map(keyOf)])];
    const meta = new GroupMetadataModel({
      ...attrs,
      id: gid,
      subject,
      owner: createWid(ownerId),
      creation,
      participants: list.map((p) => ({ id: p, isAdmin: adminIds.has(p), isSuperAdmin: p === ownerId })),
    });
    this.remote.set(gid._serialized, meta);
    return meta;
  },
  /** We join (invite link, or someone adds us): the group and its chat appear in the account. */
  join(meta) {
    const gid = meta.id;
    this.remote.delete(gid._serialized);
    if (!collections.GroupMetadata.get(gid)) collections.GroupMetadata.add(meta, { silent: true });
    meta.participants.add({ id: meWid() }, { silent: true });
    const chat = collections.Chat.get(gid) ?? collections.Chat.add({ id: gid, t: nowSec() })[0];
    chat.groupMetadata = meta;
    store.contact(gid, { name: meta.subject });
    return chat;
  },
  /** What WhatsApp answers about a group to an invite code (queryGroupInvite). */
  info(meta) {
    const { participants, pendingParticipants, membershipApprovalRequests, ...attrs } = meta.serialize();
    return {
      ...attrs,
      size: meta.participants.length,
      participants: meta.participants.getModelsArray().map((p) => ({ id: p.id, isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin })),
      pendingParticipants: [],
      support: false,
      suspended: false,
      terminated: false,
      isParentGroup: false,
      defaultSubgroup: false,
    };
  },
};

/** The chat of a group we are a member of, or the refusal the server gives to anyone else. */
function memberGroup(id) {
  const chat = collections.Chat.get(createWid(id));
  if (!chat?.groupMetadata) throw serverError(404, `group ${keyOf(id)} not found`);
  if (!chat.groupMetadata.participants.has(meWid())) throw serverError(403, `not a member of ${chat.id}`);
  return chat;
}
function requireGroupAdmin(chat) {
  if (!chat.iAmAdmin()) throw serverError(403, `not an admin of ${chat.id}`);
}
/** Subject, description and picture: anyone unless "info admins only" (restrict) is on. */
function requireInfoRights(chat) {
  if (chat.groupMetadata.restrict) requireGroupAdmin(chat);
}

const groupInfo = {
  setSubject(chat, subject, by) {
    chat.groupMetadata.set({ subject, subjectOwner: by, subjectTime: nowSec() });
    if (chat instanceof ChatModel) store.contact(chat.id, { name: subject });
    return store.groupNotification(chat, 'subject', [], by, subject);
  },
  setDescription(chat, desc, by, descId = newMsgId()) {
    chat.groupMetadata.set({ desc, descId, descOwner: by, descTime: nowSec() });
    return store.groupNotification(chat, 'description', [], by, desc);
  },
  /** announce / restrict (booleans) and memberAddMode; a notification only when it changed. */
  setSetting(chat, key, value, by) {
    if (chat.groupMetadata[key] === value) return null;
    chat.groupMetadata.set(key, value);
    const subtype = key === 'memberAddMode' ? 'member_add_mode' : key;
    const body = typeof value === 'boolean' ? (value ? 'on' : 'off') : value;
    return store.groupNotification(chat, subtype, [], by, body);
  },
};

/** Profile pictures set and deleted (ours and groups'); a group's change is also a notification. */
const pictures = {
  canChange(id) {
    const wid = createWid(id);
    if (session.me && wid.equals(meWid())) return true;
    const chat = wid.isGroup() ? collections.Chat.get(wid) : undefined;
    if (!chat?.groupMetadata?.participants.has(meWid())) return false;
    return !chat.groupMetadata.restrict || chat.iAmAdmin();
  },
  /** `url` given: someone else's upload (control); otherwise a new one for what the library sent. */
  set(wid, { thumbnail, image, url } = {}) {
    const eurl =
      url ?? `https://pps.whatsapp.net/v/t61.24694-24/sim_${wid.user}_${toHex(randomBytes(4))}.jpg?oh=sim&oe=${nowSec() + 86400}`;
    store.profilePics.set(wid._serialized, eurl);
    groupServer.pictures.set(wid._serialized, { url: eurl, thumbnail, image });
    collections.ProfilePicThumb.get(wid)?.set({ eurl, tag: String(nowSec()) });
  },
  remove(wid) {
    store.profilePics.set(wid._serialized, null);
    groupServer.pictures.delete(wid._serialized);
    collections.ProfilePicThumb.get(wid)?.set({ eurl: null, tag: String(nowSec()) });
  },
};
const pictureNotification = (wid, by) => {
  const chat = wid.isGroup() ? collections.Chat.get(wid) : undefined;
  return chat?.groupMetadata ? store.groupNotification(chat, 'picture', [], by) : null;
};

// WhatsApp Web holds a picture thumb for every chat it lists; whatsapp-web.js's deletePicture
// reads it with get() (no find), so an id with a chat or contact gets one on first read.
const getThumb = collections.ProfilePicThumb.get;
collections.ProfilePicThumb.get = function (id) {
  const found = getThumb.call(this, id);
  if (found || id === undefined) return found;
  const wid = createWid(id);
  if (!collections.Chat.get(wid) && !collections.Contact.get(wid)) return undefined;
  return this.add({ id: wid, eurl: store.profilePicUrl(wid), tag: '1' }, { silent: true })[0];
};
