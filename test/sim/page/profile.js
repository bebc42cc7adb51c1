// profile.js: my profile (push name, about, picture) and everyone's about text and pictures.
// The server keeps my about and picture, so they live in localStorage beside the pairing and
// survive a restart of the same profile.

const DEFAULT_ABOUT = 'Hey there! I am using WhatsApp.';
const ME_PROFILE_KEY = 'wa-sim/me-profile';

const profiles = {
  abouts: new Map(), // pn (serialized) → text, or null for "hidden by privacy settings"
  pictures: new Map(), // wid (serialized) → { tag, mimetype, data, thumb } set through sendSetPicture
  tagSeq: 0,

  aboutOf(wid) {
    const key = createWid(wid)._serialized;
    return this.abouts.has(key) ? this.abouts.get(key) : DEFAULT_ABOUT;
  },
  /** The about of a phone-number or LID wid; a LID whose number is unknown reads as hidden. */
  aboutFor(w) {
    const wid = createWid(w);
    const pn = wid.isLid() ? lids.pnOf(wid) : wid;
    return pn ? this.aboutOf(pn) : null;
  },
  setAbout(wid, text) {
    this.abouts.set(createWid(wid)._serialized, text);
    if (session.me && createWid(wid).equals(session.me.wid)) this.save();
  },
  async setPushname(pushname) {
    Conn.set('pushname', pushname);
    session.me.pushName = pushname;
    store.contact(session.me.wid, { pushname });
    const pairing = readJson(STORAGE.pairing);
    if (pairing?.me) localStorage.setItem(STORAGE.pairing, JSON.stringify({ ...pairing, me: { ...pairing.me, pushName: pushname } }));
    actionLog.push({ kind: 'pushname', pushname, t: nowSec() });
  },
  /** sendSetPicture: data URLs of the 96 px thumbnail and the 640 px picture the library drew. */
  setPicture(wid, thumbnail, picture) {
    const [, mimetype, data] = /^data:([^;]+);base64,(.*)$/.exec(picture) ?? [];
    if (!data)
      throw Object.assign(new Error('[wa-sim] sendSetPicture: not a data URL'), { name: 'ServerStatusCodeError', statusCode: 400 });
    const tag = `${Date.now()}${++this.tagSeq}`;
    this.pictures.set(wid._serialized, { tag, mimetype, data, thumb: thumbnail });
    this.publish(wid, `https://pps.whatsapp.net/v/t61.24694-24/sim_${wid.user}_${tag}.jpg?oh=sim&oe=${nowSec() + 86400}`, tag);
    actionLog.push({ kind: 'picture-set', chatId: wid._serialized, t: nowSec() });
  },
  deletePicture(wid) {
    this.pictures.delete(wid._serialized);
    this.publish(wid, null, undefined);
    actionLog.push({ kind: 'picture-delete', chatId: wid._serialized, t: nowSec() });
  },
  publish(wid, url, tag) {
    store.profilePics.set(wid._serialized, url);
    collections.ProfilePicThumb.get(wid)?.set({ eurl: url ?? undefined, tag });
    if (session.me && wid.equals(session.me.wid)) this.save();
  },
  save() {
    const me = session.me.wid._serialized;
    const picture = this.pictures.get(me);
    const url = store.profilePics.has(me) ? store.profilePics.get(me) : undefined;
    localStorage.setItem(ME_PROFILE_KEY, JSON.stringify({ about: this.aboutOf(me), picture, url }));
  },
  /** At login: my profile as the server keeps it, and its picture thumb (WhatsApp Web shows it at once). */
  seed() {
    const me = session.me.wid;
    const saved = readJson(ME_PROFILE_KEY);
    if (saved) {
      this.abouts.set(me._serialized, saved.about);
      if (saved.picture) this.pictures.set(me._serialized, saved.picture);
      if (saved.url !== undefined) store.profilePics.set(me._serialized, saved.url);
    }
    collections.ProfilePicThumb.add(
      { id: me, eurl: store.profilePicUrl(me) ?? undefined, tag: saved?.picture?.tag ?? '1' },
      { silent: true },
    );
  },
  snapshot() {
    if (!session.me) return null;
    const me = session.me.wid;
    const picture = this.pictures.get(me._serialized);
    const url = store.profilePicUrl(me);
    return clean({
      id: me._serialized,
      lid: lids.meLid()?._serialized,
      pushName: Conn.pushname,
      about: this.aboutOf(me),
      picture: url ? { url, tag: picture?.tag, mimetype: picture?.mimetype, data: picture?.data } : null,
    });
  },
};
seedHooks.push(() => profiles.seed());

// serverError (groups.js): a refusal as WhatsApp Web's server jobs throw it.
const groupPictures = modules.WAWebContactProfilePicThumbBridge;

Object.assign(modules, {
  // Contact.getAbout, Client.setStatus.
  WAWebContactStatusBridge: {
    getStatus: async ({ wid }) => ({ status: profiles.aboutFor(wid) }),
    setMyStatus: async (status) => {
      profiles.setAbout(session.me.wid, status);
      actionLog.push({ kind: 'status', status, t: nowSec() });
    },
  },
  // Client.setDisplayName.
  WAWebSetPushnameConnAction: { setPushname: (name) => profiles.setPushname(name) },
  // Client.getProfilePicUrl, Client.setProfilePicture / deleteProfilePicture (Utils.setPicture / deletePicture).
  WAWebContactProfilePicThumbBridge: {
    requestProfilePicFromServer: async (chat) => {
      const eurl = store.profilePicUrl(chat.id);
      if (!eurl) throw serverError(404, 'no profile picture');
      return { eurl, id: chat.id, tag: profiles.pictures.get(chat.id._serialized)?.tag ?? '1' };
    },
    // A group's picture is the group's business (groups-api.js: rights, a notification).
    sendSetPicture: async (wid, thumbnail, picture) => {
      if (createWid(wid).isGroup()) return groupPictures.sendSetPicture(wid, thumbnail, picture);
      profiles.setPicture(createWid(wid), thumbnail, picture);
      return { status: 200, eurl: store.profilePicUrl(createWid(wid)) };
    },
    requestDeletePicture: async (wid) => {
      if (createWid(wid).isGroup()) return groupPictures.requestDeletePicture(wid);
      profiles.deletePicture(createWid(wid));
      return { status: 200 };
    },
  },
});

Object.assign(api, {
  /** My profile: id, LID, push name, about, and the picture (its URL and the bytes the library uploaded). */
  profile() {
    return profiles.snapshot();
  },
  /** A contact's about text (null: hidden by their privacy settings). */
  setAbout(id, text) {
    profiles.setAbout(id, text);
  },
});
