// polls.js: poll votes, mine (Message.vote → WAWebPollsSendVoteMsgAction.sendVote) and others'.
//
// Every vote, whoever cast it, goes through WAWebAddonPollVoteTableMode.pollVoteTableMode
// .bulkUpsert, which whatsapp-web.js wraps to emit `vote_update` (so my own votes are reported
// too), and lands in the poll-vote table that Client.getPollVotes reads through
// WAWebPollsVotesSchema. A voter's latest vote replaces the earlier one; no option is "unvoted".

const polls = {
  table: new Map(), // parent msg id → Map(voter → row), rows as WhatsApp Web stores them (wids as strings)

  /** Fields of a poll message: `{ name, options, selectableCount }` (0: any number of answers). */
  fields({ name, options, selectableCount = 1 }) {
    return {
      type: 'poll_creation',
      pollName: name,
      pollOptions: options.map((o, localId) => ({ name: o, localId })),
      pollSelectableOptionsCount: selectableCount,
      messageSecret: randomBytes(32),
      body: '',
    };
  },
  /** The original bulkUpsert: stores each vote record in the table. */
  async store(records) {
    for (const r of records) {
      const parent = r.pollUpdateParentKey._serialized;
      if (!this.table.has(parent)) this.table.set(parent, new Map());
      const sender = (r.author ?? r.from)._serialized;
      this.table.get(parent).set(sender, {
        msgKey: r.id._serialized,
        parentMsgKey: parent,
        sender,
        senderTimestampMs: r.senderTimestampMs,
        selectedOptionLocalIds: [...r.selectedOptionLocalIds],
        t: r.t,
        read: r.read,
      });
    }
  },
  /** A vote by `voter` on `poll` for the options with these local ids; goes through the wrapped bulkUpsert. */
  vote(poll, voter, localIds) {
    const me = session.me.wid;
    const fromMe = voter.equals(me);
    const isGroup = poll.id.remote.isGroup();
    const id = new MsgKey({
      fromMe,
      remote: poll.id.remote,
      id: fromMe ? newMsgId() : incomingId(),
      participant: isGroup ? voter : undefined,
    });
    const record = {
      id,
      pollUpdateParentKey: poll.id,
      from: fromMe ? me : poll.id.remote,
      author: isGroup || fromMe ? voter : undefined,
      selectedOptionLocalIds: [...localIds].sort((a, b) => a - b),
      senderTimestampMs: Date.now(),
      t: Date.now(),
      read: fromMe,
    };
    modules.WAWebAddonPollVoteTableMode.pollVoteTableMode.bulkUpsert([record]);
    return record;
  },
  async sendVote(poll, localIdSet) {
    const record = this.vote(poll, session.me.wid, localIdSet);
    pushOutbox({
      entry: {
        id: record.id._serialized,
        chatId: poll.id.remote._serialized,
        type: 'poll_vote',
        voteOf: poll.id._serialized,
        selectedOptions: this.names(poll, record.selectedOptionLocalIds),
        t: nowSec(),
      },
    });
    return { messageSendResult: 'OK' };
  },
  names(poll, localIds) {
    return localIds.map((i) => poll.pollOptions.find((o) => o.localId === i)?.name);
  },
  pollOf(pollId) {
    const poll = collections.Msg.get(pollId);
    if (poll?.type !== 'poll_creation') throw new Error(`[wa-sim] ${pollId} is not a poll in the page`);
    return poll;
  },
};

Object.assign(modules, {
  // Client.attachEventListeners wraps bulkUpsert (the `vote_update` event).
  WAWebAddonPollVoteTableMode: { pollVoteTableMode: { bulkUpsert: (records) => polls.store(records) } },
  // Message.vote.
  WAWebPollsSendVoteMsgAction: { sendVote: (poll, localIdSet) => polls.sendVote(poll, localIdSet) },
  // Client.getPollVotes.
  WAWebPollsVotesSchema: {
    getTable: () => ({
      equals: async ([field], value) => (field === 'parentMsgKey' ? [...(polls.table.get(value)?.values() ?? [])] : []),
    }),
  },
});

Object.assign(api, {
  /** Someone votes on a poll (`voter` defaults to the chat's contact / first other group member). Returns the vote's id. */
  pollVote(pollId, { options, voter } = {}) {
    const poll = polls.pollOf(pollId);
    const localIds = options.map((name) => {
      const option = poll.pollOptions.find((o) => o.name === name);
      if (!option) throw new Error(`[wa-sim] pollVote: "${name}" is not an option of ${pollId}`);
      return option.localId;
    });
    const chat = poll.chat;
    const who = voter ? createWid(voter) : chat.id.isGroup() ? presences.someMember(chat.id) : chat.id;
    return polls.vote(poll, who, localIds).id._serialized;
  },
  /** The current votes on a poll, one per voter: `{ voter, selectedOptions, t }`. */
  pollVotes(pollId) {
    const poll = polls.pollOf(pollId);
    return [...(polls.table.get(poll.id._serialized)?.values() ?? [])].map((row) => ({
      voter: row.sender,
      selectedOptions: polls.names(poll, row.selectedOptionLocalIds),
      t: Math.floor(row.t / 1000),
    }));
  },
});
