// channels.js: channels (WhatsApp's newsletters). The server side is a directory of public
// channels (`channelServer`: name, invite code, country, category, subscribers, history); the
// account side is WhatsApp Web's newsletter collection, holding the channels the account owns
// or follows, plus "guest" previews it has opened or found by search (WhatsApp Web keeps those).
//
// Seeded from CONFIG.account.channels (n): the account owns channel 0 and follows 1..n-1; the
// directory has n + DIRECTORY_EXTRA channels. Each has CHANNEL_HISTORY posts, whatever the
// account's size, so a busy account stays bounded. Channel messages are Msg models like any
// other: a post in a followed channel is a new message (→ the library's `message` event).

const CHANNEL_HISTORY = 30;
const DIRECTORY_EXTRA = 6;
const CHANNEL_COUNTRIES = ['US', 'BR', 'IN', 'DE', 'GB', 'ID', 'NG', 'MX'];
const CHANNEL_CATEGORIES = ['NEWS', 'SPORTS', 'ENTERTAINMENT', 'LIFESTYLE', 'BUSINESS', 'ORGANIZATIONS'];
const MEMBER_ROLES = ['owner', 'admin', 'subscriber'];
const MUTED_STATE = -1;
const UNMUTED_STATE = 0;

class NewsletterModel extends Model {
  constructor(attrs) {
    super({ t: 0, unreadCount: 0, isReadOnly: true, muteExpiration: 0, archive: false, pin: 0, ...attrs });
    this.id = createWid(this.id);
    hide(this, 'msgs', new Collection(MsgModel, { comparator: byTime }));
    hide(this, 'earlier', []); // older posts, handed out by loadEarlierMsgs
    hide(this, 'newsletterMetadata', collections.NewsletterMetadataCollection.get(this.id));
    const channel = this;
    hide(this, 'mute', {
      expiration: this.muteExpiration,
      set(value) {
        this.expiration = value;
        channel.set('muteExpiration', value);
      },
    });
  }
  serialize() {
    return { ...super.serialize(), msgs: this.msgs.getModelsArray().map((m) => m.id._serialized) };
  }
}

/** Newsletters are not created on demand: an unknown one is a preview to load (or a 404). */
class NewsletterCollection extends Collection {
  async find(id) {
    const found = this.get(id);
    if (!found) throw serverError(404, `channel ${keyOf(id)} not loaded`);
    return found;
  }
}

collections.NewsletterMetadataCollection = new Collection();
collections.WAWebNewsletterCollection = new NewsletterCollection(NewsletterModel, { comparator: (a, b) => b.t - a.t });

const channelServer = {
  byId: new Map(), // newsletter id → directory record
  byCode: new Map(), // invite code → newsletter id
  serverIds: 1000, // message ids inside a channel are the server's sequence numbers

  add({
    id,
    name,
    description = '',
    inviteCode,
    country = 'US',
    categories = [],
    subscribers = 0,
    verified = false,
    creationTime = nowSec(),
    trend = 0,
    posts = [],
  }) {
    const wid = createWid(id ?? `120363${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}@newsletter`);
    const record = {
      id: wid._serialized,
      name,
      description,
      inviteCode: inviteCode ?? `0029Va${randomCode(18)}`,
      country,
      categories,
      subscribers,
      verified,
      creationTime,
      trend,
      posts, // message data, oldest first
    };
    this.byId.set(record.id, record);
    this.byCode.set(record.inviteCode, record.id);
    return record;
  },
  /** By invite code or by newsletter id (WhatsApp Web's query takes either). */
  find(identifier) {
    const id = this.byCode.get(identifier) ?? identifier;
    return this.byId.get(id);
  },
  post(record, body, { fromMe = false, t = nowSec() } = {}) {
    const data = {
      id: new MsgKey({ fromMe, remote: record.id, id: String(this.serverIds++) }),
      type: 'chat',
      body,
      t,
      from: createWid(record.id),
      to: createWid(record.id),
      self: fromMe ? 'out' : 'in',
      ack: fromMe ? 1 : 0,
    };
    record.posts.push(data);
    return data;
  },
  /** The account's model of a channel: owned, followed, or a guest preview. */
  load(record, membershipType, { loadMsgs = true } = {}) {
    const wid = createWid(record.id);
    let channel = collections.WAWebNewsletterCollection.get(wid);
    if (!channel) {
      collections.NewsletterMetadataCollection.add(
        {
          id: wid,
          name: record.name,
          description: record.description,
          inviteCode: record.inviteCode,
          creationTime: record.creationTime,
          membershipType,
          verified: record.verified,
          size: record.subscribers,
          muted: false,
        },
        { silent: true },
      );
      const last = record.posts[record.posts.length - 1];
      channel = collections.WAWebNewsletterCollection.add(
        { id: wid, name: record.name, t: last?.t ?? record.creationTime, isReadOnly: !['owner', 'admin'].includes(membershipType) },
        { silent: true },
      )[0];
      const msgs = record.posts.map((p) => new MsgModel(p));
      const cut = loadMsgs ? Math.max(0, msgs.length - LOADED_PER_CHAT) : msgs.length;
      channel.earlier.push(...msgs.slice(0, cut));
      channel.msgs.add(msgs.slice(cut), { silent: true });
      collections.Msg.add(msgs.slice(cut), { silent: true });
      if (last) channel.lastReceivedKey = msgs[msgs.length - 1].id;
    }
    return channel;
  },
  unload(channel) {
    for (const m of channel.msgs.getModelsArray()) collections.Msg.remove(m, { silent: true });
    collections.WAWebNewsletterCollection.remove(channel);
    collections.NewsletterMetadataCollection.remove(channel.id);
  },
  roleOf(id) {
    return collections.NewsletterMetadataCollection.get(createWid(id))?.membershipType ?? 'guest';
  },
  snapshot(record) {
    const meta = collections.NewsletterMetadataCollection.get(createWid(record.id));
    const channel = collections.WAWebNewsletterCollection.get(createWid(record.id));
    return {
      id: record.id,
      name: record.name,
      description: record.description,
      inviteCode: record.inviteCode,
      role: meta?.membershipType ?? null,
      verified: record.verified,
      subscribers: record.subscribers,
      country: record.country,
      categories: record.categories,
      muted: Boolean(meta?.muted),
      posts: record.posts.length,
      loadedMessages: channel ? channel.msgs.length : 0,
    };
  },
};

const VIEW_ORDER = {
  RECOMMENDED: () => 0,
  TRENDING: (a, b) => b.trend - a.trend,
  POPULAR: (a, b) => b.subscribers - a.subscribers,
  NEW: (a, b) => b.creationTime - a.creationTime,
};

store.seeders.push((profile, ids) => {
  const count = profile.channels ?? 0;
  if (!count) return;
  const rand = prng(CONFIG.seed * 31 + 7); // not the account's sequence: seeded chats stay as they were
  const pick = (arr) => arr[(rand() * arr.length) | 0];
  const now = Math.floor((session.pairedAt ?? Date.now()) / 1000) - 1;
  for (let i = 0; i < count + DIRECTORY_EXTRA; i++) {
    const topic = `${pick(WORDS)} ${pick(WORDS)}`;
    const record = channelServer.add({
      id: `${ids.channelPrefix}${String(i).padStart(6, '0')}@newsletter`,
      name: i === 0 ? `${session.me.pushName}'s channel` : `Sim ${topic} ${i}`,
      description: `All about ${topic}`,
      inviteCode: `0029Va${toHex(Uint8Array.from({ length: 9 }, () => (rand() * 256) | 0))}`,
      country: CHANNEL_COUNTRIES[i % CHANNEL_COUNTRIES.length],
      categories: [CHANNEL_CATEGORIES[i % CHANNEL_CATEGORIES.length]],
      subscribers: i === 0 ? 3 : 100 + ((rand() * 100000) | 0),
      verified: i % 3 === 1,
      creationTime: now - (30 + i) * 86400,
      trend: (rand() * 100) | 0,
    });
    for (let j = 0; j < CHANNEL_HISTORY; j++) {
      let body = '';
      for (let k = 4 + ((rand() * 10) | 0); k > 0; k--) body += (body ? ' ' : '') + pick(WORDS);
      channelServer.post(record, body, { fromMe: i === 0, t: now - i * 60 - (CHANNEL_HISTORY - j) * 3600 });
    }
    if (i < count) channelServer.load(record, i === 0 ? 'owner' : 'subscriber');
  }
});

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
