// groups-api.js: what whatsapp-web.js calls for groups (the WhatsApp Web jobs and actions its
// GroupChat and Client methods require) and what tests call (control: addGroup, group,
// groupInviteCode, groupEvent), on the server state and rules of groups.js.

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
