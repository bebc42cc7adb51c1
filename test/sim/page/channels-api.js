// channels-api.js: what whatsapp-web.js calls for channels (getChannelByInviteCode's metadata
// query, previews, searchChannels, subscribe / unsubscribe, mute, create / delete) and what
// tests call (control: channels, channel, addChannel, channelPost), on channels.js's directory.

const VIEW_ORDER = {
  RECOMMENDED: () => 0,
  TRENDING: (a, b) => b.trend - a.trend,
  POPULAR: (a, b) => b.subscribers - a.subscribers,
  NEW: (a, b) => b.creationTime - a.creationTime,
};

/** ISO 3166 codes with their names, as WhatsApp Web lists countries (here from Intl). */
let countryNames = null;
function countryCodesIso() {
  if (countryNames) return countryNames;
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  countryNames = {};
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      const name = names.of(code);
      if (name && name !== code) countryNames[code] = name;
    }
  }
  return countryNames;
}

const channelResponse = (record, membershipType) => ({
  idJid: record.id,
  newsletterCreationTimeMetadataMixin: { creationTimeValue: record.creationTime },
  newsletterNameMetadataMixin: { nameElementValue: record.name, nameUpdateTime: record.creationTime },
  newsletterDescriptionMetadataMixin: {
    descriptionQueryDescriptionResponseMixin: { elementValue: record.description, updateTime: record.creationTime },
  },
  newsletterInviteLinkMetadataMixin: { inviteCode: record.inviteCode },
  newsletterStateMetadataMixin: { stateType: 'active' },
  newsletterPictureMetadataMixin: {
    picture: [
      {
        queryPictureDirectPathOrEmptyResponseMixinGroup: { value: { directPath: `/v/t61.24694-24/sim_${createWid(record.id).user}.jpg` } },
      },
    ],
  },
  newsletterSubscribersMetadataMixin: { subscribersCount: record.subscribers },
  newsletterVerificationMetadataMixin: { verificationState: record.verified ? 'verified' : 'unverified' },
  newsletterMembershipType: membershipType,
});

function recordOf(channel) {
  const record = channelServer.byId.get(channel.id._serialized);
  if (!record) throw serverError(404, `channel ${channel.id} not found`);
  return record;
}

extendModules({
  WAWebNewsletterModelUtils: {
    getRoleByIdentifier: (identifier) => {
      const record = channelServer.find(identifier);
      return record ? channelServer.roleOf(record.id) : 'guest';
    },
    ADMIN_NOTIFICATIONS: 'admin_notifications',
    MUTED_STATE,
    UNMUTED_STATE,
  },
  // Client.getChannelByInviteCode (Utils getChannelMetadata).
  WAWebNewsletterMetadataQueryJob: {
    async queryNewsletterMetadataByInviteCode(identifier, role) {
      const record = channelServer.find(identifier);
      if (!record) throw serverError(404, `no channel for ${identifier}`);
      return channelResponse(record, role);
    },
  },
  // Utils getChat for a channel the account does not have: WhatsApp Web loads a preview.
  WAWebLoadNewsletterPreviewChatAction: {
    async loadNewsletterPreviewChat(id) {
      const record = channelServer.find(keyOf(id));
      if (!record) throw serverError(404, `no channel ${keyOf(id)}`);
      channelServer.load(record, 'guest');
    },
  },
  // Client.searchChannels.
  WAWebL10N: { getRegion: () => (session.me?.wid.user.startsWith('1') ? 'US' : 'GB') },
  WAWebCountriesNativeCountryNames: {
    get countryCodesIso() {
      return countryCodesIso();
    },
  },
  WAWebNewsletterGatingUtils: {
    getNewsletterDirectoryPageSize: () => 50,
    isNewsletterCreationEnabled: () => true,
  },
  WAWebNewsletterDirectorySearchAction: {
    async fetchNewsletterDirectories({ searchText = '', countryCodes = [], skipSubscribedNewsletters, view, categories = [] }) {
      // Read at call time: the library swaps the page size in for one search.
      const pageSize = modules.WAWebNewsletterGatingUtils.getNewsletterDirectoryPageSize();
      const text = searchText.toLowerCase();
      const found = [...channelServer.byId.values()]
        .filter((r) => !countryCodes.length || countryCodes.includes(r.country))
        .filter((r) => !categories.length || r.categories.some((c) => categories.includes(c)))
        .filter((r) => !text || `${r.name} ${r.description}`.toLowerCase().includes(text))
        .filter((r) => !skipSubscribedNewsletters || !MEMBER_ROLES.includes(channelServer.roleOf(r.id)))
        .sort(text ? VIEW_ORDER.RECOMMENDED : (VIEW_ORDER[view] ?? VIEW_ORDER.RECOMMENDED))
        .slice(0, pageSize);
      log({ kind: 'channel-search', searchText, countryCodes, view, categories, pageSize });
      // WhatsApp Web keeps what it found, as guest models without posts loaded.
      return { newsletters: found.map((r) => channelServer.load(r, 'guest', { loadMsgs: false })) };
    },
  },
  // Client.subscribeToChannel / unsubscribeFromChannel.
  WAWebNewsletterSubscribeAction: {
    async subscribeToNewsletterAction(channel) {
      const record = recordOf(channel);
      const meta = channel.newsletterMetadata;
      if (MEMBER_ROLES.includes(meta.membershipType)) return;
      record.subscribers++;
      meta.set({ membershipType: 'subscriber', size: record.subscribers });
      log({ kind: 'channel-subscribe', chatId: record.id });
    },
  },
  WAWebNewsletterUnsubscribeAction: {
    async unsubscribeFromNewsletterAction(channel, { deleteLocalModels } = {}) {
      const record = recordOf(channel);
      const meta = channel.newsletterMetadata;
      if (MEMBER_ROLES.includes(meta.membershipType)) record.subscribers--;
      meta.set({ membershipType: 'guest', size: record.subscribers });
      if (deleteLocalModels) channelServer.unload(channel);
      log({ kind: 'channel-unsubscribe', chatId: record.id, deleteLocalModels: Boolean(deleteLocalModels) });
    },
  },
  // Channel.mute / unmute.
  WAJids: { toNewsletterJid: (id) => `${createWid(id).user}@newsletter` },
  WAWebNewsletterUpdateUserSettingJob: {
    async updateNewsletterUserSetting({ newsletterJid, type, muteExpirationValue }) {
      const channel = collections.WAWebNewsletterCollection.get(newsletterJid);
      if (!channel) throw serverError(404, `channel ${newsletterJid} not followed`);
      channel.mute.set(muteExpirationValue);
      channel.newsletterMetadata.set('muted', muteExpirationValue !== UNMUTED_STATE);
      log({ kind: 'channel-mute', chatId: newsletterJid, type, muted: muteExpirationValue !== UNMUTED_STATE });
    },
  },
  // Client.createChannel / deleteChannel.
  WAWebNewsletterCreateQueryJob: {
    async createNewsletterQuery({ name, description, picture }) {
      const record = channelServer.add({ name, description: description ?? '', subscribers: 1 });
      channelServer.load(record, 'owner');
      log({ kind: 'channel-create', chatId: record.id, name, description, picture: Boolean(picture) });
      return channelResponse(record, 'owner');
    },
  },
  WAWebJidToWid: { newsletterJidToWid: createWid },
  WAWebNewsletterDeleteAction: {
    async deleteNewsletterAction(channel) {
      const record = recordOf(channel);
      if (channel.newsletterMetadata.membershipType !== 'owner') throw serverError(403, `not the owner of ${record.id}`);
      channelServer.unload(channel);
      channelServer.byId.delete(record.id);
      channelServer.byCode.delete(record.inviteCode);
      log({ kind: 'channel-delete', chatId: record.id });
    },
  },
});

/** Control (window.__sim): the account's channels, the directory, and posts by channel admins. */
const channelControl = {
  /** The channels in the account (owned, followed, guest previews), newest activity first. */
  channels() {
    return collections.WAWebNewsletterCollection.getModelsArray().map((c) =>
      channelServer.snapshot(channelServer.byId.get(c.id._serialized)),
    );
  },
  /** A channel as the directory knows it (role null: not in the account). */
  channel(idOrInvite) {
    const record = channelServer.find(idOrInvite);
    return record ? channelServer.snapshot(record) : null;
  },
  /**
   * A channel on the server; `role` 'owner' | 'admin' | 'subscriber' puts it in the account,
   * 'none' (default) leaves it in the directory only. `posts` older posts are generated.
   */
  addChannel({
    id,
    name,
    description,
    inviteCode,
    country,
    categories,
    subscribers,
    verified,
    role = 'none',
    posts = 0,
    createdAt,
    trend,
  }) {
    const record = channelServer.add({
      id,
      name,
      description,
      inviteCode,
      country,
      categories,
      subscribers,
      verified,
      creationTime: createdAt,
      trend,
    });
    for (let j = 0; j < posts; j++) channelServer.post(record, `${name} post ${j + 1}`, { t: nowSec() - (posts - j) * 60 });
    if (role !== 'none') channelServer.load(record, role);
    return { id: record.id, inviteCode: record.inviteCode };
  },
  /** An admin posts in the channel: followers get a new message (the library's `message`). */
  channelPost({ channel, body }) {
    const record = channelServer.find(channel);
    if (!record) throw new Error(`[wa-sim] channelPost: no channel ${channel}`);
    const data = channelServer.post(record, body);
    const model = collections.WAWebNewsletterCollection.get(record.id);
    if (model && MEMBER_ROLES.includes(model.newsletterMetadata.membershipType)) {
      const msg = new MsgModel({ ...data, isNewMsg: true });
      model.msgs.add(msg, { silent: true });
      collections.Msg.add(msg);
      model.lastReceivedKey = msg.id;
      model.set({ t: msg.t, unreadCount: model.unreadCount + 1 });
    }
    return data.id._serialized;
  },
};
