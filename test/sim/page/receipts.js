// receipts.js: per-recipient receipts of my messages (delivered / read / played by whom), as
// Message.getInfo reads them through WAWebApiMessageInfoStore.queryMsgInfo.
//
// whatsapp-web.js reports only a message's overall ack (`message_ack` from Msg change:ack); in a
// group that is the lowest level every member reached, so `receipt` moves one member and the
// overall ack follows. Set acks to 'server' or 'manual' first, or the automatic 1 → 2 → 3 runs ahead.

const ACK_FIELDS = { 2: 'delivery', 3: 'read', 4: 'played' };

const receipts = {
  table: new Map(), // msg id → Map(recipient → { 2: t, 3: t, 4: t })

  recipientsOf(msg) {
    const remote = msg.id.remote;
    if (remote.isGroup()) {
      const members = collections.GroupMetadata.get(remote)?.participants.getModelsArray() ?? [];
      return members.map((p) => p.id).filter((w) => !w.equals(session.me.wid));
    }
    return remote.isUser() ? [remote] : [];
  },
  /** The highest level a recipient's own receipts reached (1: only the server has it). */
  ownLevel(rows, recipient) {
    return Math.max(1, ...Object.keys(rows?.get(recipient._serialized) ?? {}).map(Number));
  },
  /** With automatic acks the message's overall ack counts for every recipient. */
  levelOf(msg, rows, recipient) {
    return Math.max(this.ownLevel(rows, recipient), msg.ack >= 2 ? msg.ack : 1);
  },
  set(msg, recipient, ack) {
    if (!this.table.has(msg.id._serialized)) this.table.set(msg.id._serialized, new Map());
    const rows = this.table.get(msg.id._serialized);
    const row = rows.get(recipient._serialized) ?? {};
    for (let level = 2; level <= ack; level++) row[level] ??= nowSec();
    rows.set(recipient._serialized, row);
    const all = this.recipientsOf(msg);
    const overall = Math.min(...all.map((w) => this.ownLevel(rows, w)));
    if (all.length && overall > msg.ack) msg.set('ack', overall);
  },
  /** WAWebApiMessageInfoStore.queryMsgInfo. */
  async info(key) {
    const msg = collections.Msg.get(key);
    if (!msg) return undefined;
    const rows = this.table.get(msg.id._serialized);
    const all = this.recipientsOf(msg);
    const out = {};
    for (const [level, field] of Object.entries(ACK_FIELDS)) {
      const reached = all.filter((w) => this.levelOf(msg, rows, w) >= Number(level));
      out[field] = reached.map((w) => ({ id: w, t: rows?.get(w._serialized)?.[level] ?? msg.t }));
      out[`${field}Remaining`] = all.length - reached.length;
    }
    return out;
  },
};

Object.assign(modules, {
  // Message.getInfo.
  WAWebApiMessageInfoStore: { queryMsgInfo: (key) => receipts.info(key) },
});

Object.assign(api, {
  /** One recipient of my message (a group member, or the contact) reached `ack` (2 delivered, 3 read, 4 played). */
  receipt(msgId, recipient, ack) {
    const msg = collections.Msg.get(msgId);
    if (!msg?.id.fromMe) throw new Error(`[wa-sim] receipt: ${msgId} is not a message I sent`);
    receipts.set(msg, createWid(recipient), ack);
  },
});
