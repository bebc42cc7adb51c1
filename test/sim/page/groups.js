// groups.js: groups beyond create/add/remove (store.js): invite codes and joining by them,
// leaving, subject, description, the admin-only settings, promote/demote rights, the group
// picture, and what other members do (control: groupEvent). The server side is modelled too:
// groups the account is not in yet (joinable by invite code) live in `groupServer.remote`.
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

extendModules({
  // GroupChat.setSubject / setDescription.
  WAWebGroupModifyInfoJob: {
    async setGroupSubject(wid, subject) {
      const chat = memberGroup(wid);
      requireInfoRights(chat);
      groupInfo.setSubject(chat, subject, meWid());
    },
    async setGroupDescription(wid, description, newId, prevId) {
      const chat = memberGroup(wid);
      requireInfoRights(chat);
      // The server refuses an edit based on an older description (409 conflict).
      if (chat.groupMetadata.descId && prevId !== chat.groupMetadata.descId) throw serverError(409, 'description changed meanwhile');
      groupInfo.setDescription(chat, description, meWid(), newId);
    },
  },
  // GroupChat.setMessagesAdminsOnly / setInfoAdminsOnly / setAddMembersAdminsOnly.
  WAWebSetPropertyGroupAction: {
    async setGroupProperty(chat, property, value) {
      memberGroup(chat.id);
      requireGroupAdmin(chat);
      if (property === 'announcement') groupInfo.setSetting(chat, 'announce', Boolean(value), meWid());
      else if (property === 'restrict') groupInfo.setSetting(chat, 'restrict', Boolean(value), meWid());
      else if (property === 'member_add_mode') groupInfo.setSetting(chat, 'memberAddMode', value ? 'all_member_add' : 'admin_add', meWid());
      else throw new Error(`[wa-sim] setGroupProperty: ${property} is not simulated`);
    },
  },
  // GroupChat.getInviteCode: admins only (the library answers undefined otherwise).
  WAWebMexFetchGroupInviteCodeJob: {
    async fetchMexGroupInviteCode(id) {
      const chat = memberGroup(id);
      requireGroupAdmin(chat);
      return groupServer.inviteCode(chat.id);
    },
  },
  // GroupChat.revokeInvite, Client.getInviteInfo.
  WAWebGroupQueryJob: {
    async resetGroupInviteCode(wid) {
      const chat = memberGroup(wid);
      requireGroupAdmin(chat);
      return { code: groupServer.setInviteCode(chat.id, randomCode(22)) };
    },
    async queryGroupInvite(code) {
      const gid = groupServer.byCode.get(code);
      if (!gid) throw serverError(404, `invite code ${code} not found (or revoked)`);
      return groupServer.info(groupServer.meta(gid));
    },
  },
  // Client.acceptInvite: we join; WhatsApp writes an 'invite' notification (→ group_join).
  WAWebGroupInviteJob: {
    async joinGroupViaInvite(code) {
      const gid = groupServer.byCode.get(code);
      if (!gid) throw serverError(404, `invite code ${code} not found (or revoked)`);
      const meta = groupServer.meta(gid);
      if (meta.participants.has(meWid())) return { gid: meta.id };
      const chat = groupServer.join(meta);
      log({ kind: 'group-join', chatId: chat.id._serialized, code });
      store.groupNotification(chat, 'invite', [meWid()], meWid());
      return { gid: meta.id };
    },
  },
  // GroupChat.leave: WhatsApp keeps the chat, without us in it.
  WAWebExitGroupAction: {
    async sendExitGroup(chat) {
      memberGroup(chat.id);
      log({ kind: 'group-leave', chatId: chat.id._serialized });
      store.changeParticipants(chat, 'leave', [meWid()], meWid());
    },
  },
  // Utils setPicture / deletePicture (groups, and our own picture).
  WAWebContactProfilePicThumbBridge: {
    async sendSetPicture(wid, thumbnail, image) {
      if (!pictures.canChange(wid)) throw serverError(403, `may not change the picture of ${keyOf(wid)}`);
      pictures.set(createWid(wid), { thumbnail, image });
      pictureNotification(createWid(wid), meWid());
      log({ kind: 'picture-set', chatId: keyOf(wid) });
      return { status: 200 };
    },
    async requestDeletePicture(wid) {
      if (!pictures.canChange(wid)) throw serverError(403, `may not change the picture of ${keyOf(wid)}`);
      pictures.remove(createWid(wid));
      pictureNotification(createWid(wid), meWid());
      log({ kind: 'picture-delete', chatId: keyOf(wid) });
      return { status: 200 };
    },
  },
});

const otherMember = (meta, { admin } = {}) =>
  meta.participants
    .getModelsArray()
    .filter((p) => !p.id.equals(meWid()) && (!admin || p.isAdmin))
    .map((p) => p.id)[0];

/** Control (window.__sim): inspect groups, and act as the server and the other members. */
const groupControl = {
  /**
   * A group we are in (`member`, default true) or one on the server only we can join by its
   * invite code. `owner` is the superadmin (default: us, or the first participant); `admins` are admins.
   */
  addGroup({ id, subject, participants = [], admins = [], owner, description, inviteCode, member = true, announce, restrict }) {
    const attrs = { announce: Boolean(announce), restrict: Boolean(restrict) };
    if (description !== undefined) Object.assign(attrs, { desc: description, descId: newMsgId() });
    const meta = member
      ? store.addGroup({ id, subject, participants, admins, owner: owner ?? session.me?.wid, ...attrs }).groupMetadata
      : groupServer.addRemote({ id, subject, participants, admins, owner, ...attrs });
    if (inviteCode) groupServer.setInviteCode(meta.id, inviteCode);
    return meta.id._serialized;
  },
  /** A group as the server sees it (we need not be in it): settings, roles, invite code, picture. */
  group(id) {
    const meta = groupServer.meta(id);
    if (!meta) return null;
    const key = meta.id._serialized;
    const picture = groupServer.pictures.get(key);
    const url = store.profilePicUrl(meta.id);
    return {
      id: key,
      member: meta.participants.has(meWid()),
      subject: meta.subject,
      description: meta.desc ?? null,
      owner: meta.owner ? keyOf(meta.owner) : null,
      creation: meta.creation,
      announce: meta.announce,
      restrict: meta.restrict,
      memberAddMode: meta.memberAddMode,
      participants: meta.participants.getModelsArray().map((p) => ({ id: p.id._serialized, role: roleOf(p) })),
      inviteCode: groupServer.codes.get(key) ?? null,
      picture: url ? { url, ...(picture ? { thumbnail: picture.thumbnail, image: picture.image } : {}) } : null,
    };
  },
  /** The group's current invite code, created if it has none yet (as an admin's phone would). */
  groupInviteCode(id) {
    const meta = groupServer.meta(id);
    if (!meta) throw new Error(`[wa-sim] groupInviteCode: no group ${id}`);
    return groupServer.inviteCode(meta.id);
  },
  /**
   * Someone else changes the group. Members: 'add' (adding us brings the group into the account),
   * 'remove', 'leave', 'invite' (joined by link), 'promote', 'demote'; info: 'subject',
   * 'description', 'announce' / 'restrict' (`value` boolean), 'member_add_mode' (`value`
   * 'admin_add' | 'all_member_add'), 'picture' (`value` a URL, or null to delete), 'revoke_invite'.
   * `by` defaults to an admin other than us. Returns the notification's id (null when the
   * account is not in the group and so sees nothing).
   */
  groupEvent({ group, action, by, participants = [], subject, description, value }) {
    const meta = groupServer.meta(group);
    if (!meta) throw new Error(`[wa-sim] groupEvent: no group ${group}`);
    const author = createWid(by ?? otherMember(meta, { admin: true }) ?? otherMember(meta) ?? meta.owner);
    const wids = participants.map(createWid);
    const sees = meta.participants.has(meWid());
    if (!sees && ['add', 'invite'].includes(action) && wids.some((w) => w.equals(meWid()))) {
      const chat = groupServer.join(meta);
      for (const w of wids) meta.participants.add({ id: w }, { silent: true });
      return store.groupNotification(chat, action, wids, author).id._serialized;
    }
    // The account sees what happens in a group it is in; otherwise only the server's state changes.
    const chat = sees ? collections.Chat.get(meta.id) : { id: meta.id, groupMetadata: meta };
    const idOf = (msg) => msg?.id._serialized ?? null;
    switch (action) {
      case 'add':
      case 'invite':
      case 'remove':
      case 'promote':
      case 'demote':
        return idOf(store.changeParticipants(chat, action, wids, author));
      case 'leave':
        return idOf(store.changeParticipants(chat, 'leave', wids.length ? wids : [author], author));
      case 'subject':
        return idOf(groupInfo.setSubject(chat, subject ?? value, author));
      case 'description':
        return idOf(groupInfo.setDescription(chat, description ?? value ?? '', author));
      case 'announce':
      case 'restrict':
        return idOf(groupInfo.setSetting(chat, action, Boolean(value), author));
      case 'member_add_mode':
        return idOf(groupInfo.setSetting(chat, 'memberAddMode', value, author));
      case 'picture':
        if (value) pictures.set(meta.id, { url: value });
        else pictures.remove(meta.id);
        return sees ? idOf(pictureNotification(meta.id, author)) : null;
      case 'revoke_invite':
        groupServer.setInviteCode(meta.id, randomCode(22));
        return null;
      default:
        throw new Error(`[wa-sim] groupEvent: unknown action ${action}`);
    }
  },
};
