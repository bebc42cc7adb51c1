// channels.js: channels (WhatsApp's newsletters). The server side is a directory of public
// channels (`channelServer`: name, invite code, country, category, subscribers, history); the
// account side is WhatsApp Web's newsletter collection, holding the channels the account owns
// or follows, plus "guest" previews it has opened or found by search (WhatsApp Web keeps those).
//
// Seeded from CONFIG.account.channels (n): the account owns channel 0 and follows 1..n-1; the
// directory has n + DIRECTORY_EXTRA channels. Each has CHANNEL_HISTORY posts, whatever the
// account's size, so a busy account stays bounded. Channel messages are Msg models like any
// other: a post in a followed channel is a new message (→ the library's `message` event).
// channels-api.js puts the directory behind the modules the library calls and the control.

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
