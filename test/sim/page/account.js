// account.js: the seeded account (contacts, private chats, groups, history), generated in the
// page from CONFIG.seed so every load of the same profile shows the same account. With
// CONFIG.account = { chats: 500, messagesPerChat: 200, ... } the page holds ~100k message
// models, like a busy WhatsApp Web, instead of an empty tab.
//
// Ids (also computed by test/sim/index.ts): contact i is `${contactPrefix}${i padded to 5}@c.us`,
// group i is `${groupPrefix}${i padded to 6}@g.us`. Contacts 0..(chats - groups - 1) have a
// private chat; groups 0..(groups - 1) have a group chat.

const FIRST = [
  'Ana',
  'Ben',
  'Carla',
  'Dev',
  'Eli',
  'Fatima',
  'Goran',
  'Hana',
  'Ivan',
  'Jia',
  'Kofi',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoe',
];
const LAST = [
  'Silva',
  'Okafor',
  'Novak',
  'Tanaka',
  'Haddad',
  'Larsen',
  'Moreau',
  'Kowalski',
  'Reyes',
  'Ahmed',
  'Berg',
  'Costa',
  'Dubois',
  'Eze',
  'Fischer',
  'Gupta',
];
const WORDS = (
  'ok sure meeting tomorrow call later thanks lunch photo sent the a is on at we see you soon where when ' +
  'project update done ready yes no maybe traffic home office price order delivery invoice weekend coffee dinner ' +
  'train flight late early plan great sounds good let me check back in five minutes almost there'
).split(' ');
const LOADED_PER_CHAT = 50; // WhatsApp Web keeps the latest messages of a chat loaded

const contactWid = (ids, i) => createWid(`${ids.contactPrefix}${String(i).padStart(5, '0')}@c.us`);
const groupWid = (ids, i) => createWid(`${ids.groupPrefix}${String(i).padStart(6, '0')}@g.us`);

function seedAccount(profile, ids) {
  const { contacts = 0, chats = 0, groups = 0, messagesPerChat = 0 } = profile;
  const rand = prng(CONFIG.seed);
  const pick = (arr) => arr[(rand() * arr.length) | 0];
  // History ends just before the pairing, at every load: a restart must not make old messages look new.
  const now = Math.floor((session.pairedAt ?? Date.now()) / 1000) - 1;

  const people = [];
  for (let i = 0; i < contacts; i++) {
    const first = FIRST[i % FIRST.length];
    const name = `${first} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    people.push(store.contact(contactWid(ids, i), { name, shortName: first, pushname: first, isMyContact: true }).id);
  }
  const privateChats = Math.min(Math.max(chats - groups, 0), contacts);
  for (let i = 0; i < privateChats; i++) {
    const chat = collections.Chat.add({ id: people[i], t: now }, { silent: true })[0];
    seedHistory(chat, messagesPerChat, rand, pick, now - i * 60);
  }
  for (let g = 0; g < Math.min(groups, chats); g++) {
    const members = new Set();
    const size = Math.min(people.length, 3 + ((rand() * 10) | 0));
    while (members.size < size) members.add(pick(people)._serialized);
    const chat = store.addGroup({
      id: groupWid(ids, g),
      subject: `${pick(WORDS)} ${pick(WORDS)} group ${g + 1}`,
      participants: [...members],
      creation: now - 30 * 86400,
    });
    seedHistory(chat, messagesPerChat, rand, pick, now - (privateChats + g) * 60);
  }
}

function seedHistory(chat, count, rand, pick, lastT) {
  const me = session.me.wid;
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += ((rand() * 16) | 0).toString(16);
    return s.toUpperCase();
  };
  const isGroup = chat.id.isGroup();
  const members = isGroup
    ? chat.groupMetadata.participants
        .getModelsArray()
        .map((p) => p.id)
        .filter((w) => !w.equals(me))
    : [];
  const msgs = [];
  for (let j = 0; j < count; j++) {
    const fromMe = rand() < 0.4;
    const author = isGroup && !fromMe ? pick(members) : undefined;
    const id = new MsgKey({
      fromMe,
      remote: chat.id,
      id: fromMe ? `3EB0${hex(18)}` : hex(32),
      participant: isGroup ? (fromMe ? me : author) : undefined,
    });
    let body = '';
    for (let k = 3 + ((rand() * 12) | 0); k > 0; k--) body += (body ? ' ' : '') + pick(WORDS);
    const data = {
      id,
      t: lastT - (count - 1 - j) * 90,
      from: fromMe ? me : chat.id,
      to: fromMe ? chat.id : me,
      author,
      self: fromMe ? 'out' : 'in',
      ack: fromMe ? 3 : 1,
      type: 'chat',
      body,
    };
    if (rand() < 0.08) {
      const size = 2000 + ((rand() * 60000) | 0);
      Object.assign(data, {
        type: 'image',
        mimetype: 'image/jpeg',
        size,
        caption: body,
        body: '',
        directPath: `/v/t62.7118-24/busy_${size}_${(rand() * 1e9) | 0}.enc`,
        filehash: hex(43),
        mediaKey: hex(43),
        mediaKeyTimestamp: data.t,
      });
    }
    msgs.push(new MsgModel(data));
  }
  const cut = Math.max(0, msgs.length - LOADED_PER_CHAT);
  chat.earlier.push(...msgs.slice(0, cut));
  chat.msgs.add(msgs.slice(cut), { silent: true });
  collections.Msg.add(msgs, { silent: true });
  const last = msgs[msgs.length - 1];
  if (last) {
    chat.t = last.t;
    chat.lastReceivedKey = last.id;
    if (!last.id.fromMe && rand() < 0.3) chat.unreadCount = 1 + ((rand() * 5) | 0);
  }
  collections.Chat._sorted = null;
}

/** WAWebChatLoadMessages.loadEarlierMsgs: the next page of older history, oldest first. */
async function loadEarlierMsgs({ chat }) {
  const batch = chat.earlier.splice(Math.max(0, chat.earlier.length - LOADED_PER_CHAT));
  chat.msgs.add(batch, { silent: true });
  return batch;
}
