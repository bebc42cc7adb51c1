// messages.js: sending (what the library hands to addAndSendMsgToChat), acks, receiving,
// reactions, and the outbox: the simulator's record of everything the library sent.

const outbox = []; // { msg, entry } for messages (entry as sent, ack kept live), { entry } otherwise
const acks = { mode: CONFIG.acks, delayMs: CONFIG.ackDelayMs };
let failNext = null; // { mode: 'throw' | 'ack-error', message? }
const reactionTable = new Map(); // parent msg id → Map(sender → record)

const clean = (o) => JSON.parse(JSON.stringify(o));

function pushOutbox(item) {
  if (item.msg) item.entry = summarize(item.msg);
  outbox.push(item);
  control.outboxAdded(item.entry);
}
const outboxEntries = () => outbox.map((o) => (o.msg ? { ...o.entry, ack: o.msg.ack } : o.entry));

/** What a test wants to know about a sent message, in plain JSON. */
function summarize(msg) {
  const hasMedia = Boolean(msg.directPath);
  const quoted = msg.quotedStanzaID ? findQuoted(msg) : undefined;
  return clean({
    id: msg.id._serialized,
    chatId: msg.id.remote._serialized,
    type: msg.type,
    subtype: msg.subtype,
    ack: msg.ack,
    t: msg.t,
    body: hasMedia ? undefined : msg.body,
    caption: msg.caption,
    quotedMsgId: quoted?.id._serialized,
    mentionedIds: msg.mentionedJidList?.length ? msg.mentionedJidList.map(keyOf) : undefined,
    media: hasMedia
      ? { mimetype: msg.mimetype, filename: msg.filename, size: msg.size, filehash: msg.filehash, directPath: msg.directPath }
      : undefined,
    isViewOnce: msg.isViewOnce || undefined,
    isGif: msg.isGif || undefined,
    isForwarded: msg.isForwarded || undefined,
    location: msg.type === 'location' ? { latitude: msg.lat, longitude: msg.lng, description: msg.loc, url: msg.clientUrl } : undefined,
    poll:
      msg.type === 'poll_creation'
        ? { name: msg.pollName, options: msg.pollOptions.map((o) => o.name), selectableCount: msg.pollSelectableOptionsCount }
        : undefined,
    vcards: msg.type === 'vcard' ? [msg.body] : msg.type === 'multi_vcard' ? msg.vcardList.map((v) => v.vcard) : undefined,
  });
}

/** The quoted message of `msg`: found in its chat, or rebuilt from the quote like WhatsApp Web does. */
function findQuoted(msg) {
  const chat = msg.chat;
  const stanza = msg.quotedStanzaID;
  const found = chat && (chat.msgs.getModelsArray().find((m) => m.id.id === stanza) ?? chat.earlier.find((m) => m.id.id === stanza));
  if (found) return found;
  const participant = msg.quotedParticipant && createWid(msg.quotedParticipant);
  const fromMe = Boolean(participant && session.me && participant.equals(session.me.wid));
  const remote = msg.quotedRemoteJid ?? msg.id.remote;
  return new MsgModel({
    ...msg.quotedMsg,
    id: { fromMe, remote, id: stanza, participant: createWid(remote).isGroup() ? participant : undefined },
    from: fromMe ? session.me.wid : remote,
    author: createWid(remote).isGroup() ? participant : undefined,
  });
}

function scheduleAcks(msg) {
  const steps = { auto: [1, 2, 3], server: [1], manual: [] }[acks.mode] ?? [];
  steps.forEach((ack, i) => {
    setTimeout(() => msg.updateAck(ack), acks.delayMs * (i + 1));
  });
}

/** WAWebSendMsgChatAction.addAndSendMsgToChat: returns [message added, send result]. */
function addAndSendMsgToChat(chat, data) {
  const failure = failNext;
  failNext = null;
  if (failure?.mode === 'throw') {
    const err = Object.assign(new Error(failure.message ?? '[wa-sim] send failed (failNextSend)'), { name: 'SendMsgError' });
    const rejected = Promise.reject(err);
    rejected.catch(() => {});
    return [rejected, rejected];
  }
  const msg = new MsgModel({ ...data, isUnsentMedia: Boolean(data.directPath) });
  store.addToChat(chat, msg);
  msgHistory.save(msg);
  pushOutbox({ msg });
  const result = (async () => {
    await delay(0);
    if (msg.isUnsentMedia) msg.set('isUnsentMedia', false); // → the library's media_uploaded
    if (failure?.mode === 'ack-error') {
      msg.set('ack', -1);
      return { messageSendResult: 'ERROR_UNKNOWN' };
    }
    scheduleAcks(msg);
    return { messageSendResult: 'OK', t: msg.t };
  })();
  return [Promise.resolve(msg), result];
}

const incomingId = () => toHex(randomBytes(16)).toUpperCase(); // a phone's id: 32 hex characters

/** A message arrives from a contact or a group member. Returns its serialized id. */
async function receive(spec) {
  const me = session.me?.wid;
  if (!me) throw new Error('[wa-sim] receive: not paired yet');
  const chatWid = createWid(spec.from);
  const chat = store.chat(chatWid);
  const isGroup = chatWid.isGroup();
  const author = isGroup
    ? createWid(spec.author ?? chat.groupMetadata?.participants.getModelsArray().find((p) => !p.id.equals(me))?.id)
    : undefined;
  const sender = store.contact(author ?? chatWid, spec.pushName ? { pushname: spec.pushName } : {});
  const id = new MsgKey({ fromMe: false, remote: chatWid, id: spec.id ?? incomingId(), participant: author });
  const data = {
    id,
    type: 'chat',
    body: spec.body ?? '',
    t: spec.t ?? nowSec(),
    from: chatWid,
    to: me,
    author,
    self: 'in',
    ack: 1,
    isNewMsg: true,
    notifyName: spec.pushName ?? sender.pushname,
    isForwarded: spec.isForwarded,
    mentionedJidList: (spec.mentions ?? []).map(createWid),
  };
  if (spec.quotedId) {
    const quoted = collections.Msg.get(spec.quotedId);
    if (!quoted) throw new Error(`[wa-sim] receive: quoted message ${spec.quotedId} not found`);
    Object.assign(data, quoted.msgContextInfo(chat));
  }
  if (spec.media) Object.assign(data, await media.incoming(spec.media, spec), { body: '', caption: spec.caption ?? spec.body });
  if (spec.location) {
    const { latitude, longitude, description, url } = spec.location;
    Object.assign(data, { type: 'location', lat: latitude, lng: longitude, loc: description, clientUrl: url, body: '' });
  }
  if (spec.vcard) Object.assign(data, { type: 'vcard', body: spec.vcard, vcardFormattedName: vcardName(spec.vcard) });
  if (spec.poll) Object.assign(data, polls.fields(spec.poll));
  if (spec.type && !spec.media) data.type = spec.type;
  const msg = store.addToChat(chat, new MsgModel(data));
  msgHistory.save(msg);
  chat.set('unreadCount', chat.unreadCount + 1);
  return id._serialized;
}

/** Reactions reach the library through reactionTableMode.bulkUpsert, which it wraps. */
function upsertReactions(records) {
  return modules.WAWebAddonReactionTableMode.reactionTableMode.bulkUpsert(records);
}

function react(msg, text, sender) {
  const me = session.me.wid;
  const fromMe = sender.equals(me);
  const isGroup = msg.id.remote.isGroup();
  const id = new MsgKey({
    fromMe,
    remote: msg.id.remote,
    id: fromMe ? newMsgId() : incomingId(),
    participant: isGroup ? sender : undefined,
  });
  const record = {
    id,
    reactionParentKey: msg.id,
    reactionText: text,
    reactionTimestamp: Date.now(),
    from: fromMe ? me : msg.id.remote,
    author: isGroup || !fromMe ? sender : undefined,
    read: fromMe,
    orphan: 0,
    ack: fromMe ? 1 : undefined,
  };
  if (fromMe)
    pushOutbox({
      entry: {
        id: id._serialized,
        chatId: msg.id.remote._serialized,
        type: 'reaction',
        body: text,
        reactionTo: msg.id._serialized,
        t: nowSec(),
      },
    });
  msg.set('hasReaction', true);
  upsertReactions([record]);
  return id._serialized;
}

const vcardName = (vcard) => /^FN(?:;[^:\n]*)?:(.*)$/m.exec(vcard)?.[1]?.trim();

function vcardFromContact(contact) {
  const name = contact.formattedName;
  const user = contact.id.user;
  return { vcard: `BEGIN:VCARD\nVERSION:3.0\nN:;${name};;;\nFN:${name}\nTEL;type=CELL;type=VOICE;waid=${user}:+${user}\nEND:VCARD` };
}

/** Forwarding copies the content of each message into `chat` as a new outgoing message. */
async function forwardMessages({ chat, msgs }) {
  const me = session.me.wid;
  for (const m of msgs) {
    const { id, from, to, author, t, ack, isNewMsg, quotedMsg, quotedStanzaID, quotedParticipant, star, ...content } = m.serialize();
    const key = new MsgKey({ from: me, to: chat.id, id: newMsgId(), participant: chat.id.isGroup() ? me : undefined, selfDir: 'out' });
    const [added] = addAndSendMsgToChat(chat, {
      ...content,
      id: key,
      from: me,
      to: chat.id,
      t: nowSec(),
      self: 'out',
      isNewMsg: true,
      isForwarded: true,
      forwardingScore: (m.forwardingScore ?? 0) + 1,
    });
    await added;
  }
  return msgs.map(() => ({ messageSendResult: 'OK' }));
}

function revoke(msgs) {
  for (const m of msgs) {
    pushOutbox({ entry: { id: m.id._serialized, chatId: m.id.remote._serialized, type: 'revoke', t: nowSec() } });
    m.set(revokedFields(m, 'sender_revoke'));
  }
}

function deleteForMe(chat, msgs) {
  const ids = new Set(msgs.map((m) => m.id._serialized));
  msgHistory.forget((data) => ids.has(data.id?._serialized));
  for (const m of msgs) {
    actionLog.push({ kind: 'delete', chatId: chat.id._serialized, msgId: m.id._serialized, t: nowSec() });
    chat.msgs.remove(m, { silent: true });
    collections.Msg.remove(m);
  }
}
