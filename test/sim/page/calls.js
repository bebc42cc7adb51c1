// calls.js: incoming calls and rejecting them.
//
// whatsapp-web.js learns of a call by wrapping `set` of the Map inside WAWebCallCollection (the
// first Map-valued property it finds) and emits `call` with the call's fields; it copies no
// offer time, so `Call.timestamp` is undefined. `Call.reject()` builds a `<call><reject/></call>`
// stanza with WAWap and casts it with WADeprecatedSendIq, which is where the page sees it.

const callCollection = Object.assign(new Emitter(), { calls: new Map() });

const calls = {
  log: [], // every call, oldest first: { id, from, isVideo, isGroup, participants, offerTime, state, rejectedAt? }

  /** From the phone's side: someone calls (a group call lists its participants). Returns the call id. */
  incoming({ from, isVideo = false, isGroup = false, participants = [] }) {
    const id = toHex(randomBytes(16)).toUpperCase();
    const peerJid = createWid(from)._serialized;
    const record = { id, from: peerJid, isVideo, isGroup, participants: participants.map((p) => createWid(p)._serialized) };
    this.log.push({ ...record, offerTime: nowSec(), state: 'ringing' });
    callCollection.calls.set(id, {
      id,
      peerJid,
      isVideo,
      isGroup,
      canHandleLocally: false,
      outgoing: false,
      webClientShouldHandle: false,
      participants: record.participants,
      offerTime: nowSec(),
    });
    return id;
  },
  /** WADeprecatedSendIq.deprecatedCastStanza: the only stanza the library casts is a call rejection. */
  cast(stanza) {
    const reject = stanza.tag === 'call' && stanza.content?.find((c) => c.tag === 'reject');
    if (!reject) throw new Error(`[wa-sim] deprecatedCastStanza: unexpected stanza <${stanza.tag}>`);
    const id = reject.attrs['call-id'];
    actionLog.push({ kind: 'call-reject', callId: id, chatId: stanza.attrs.to, t: nowSec() });
    const call = this.log.find((c) => c.id === id);
    if (call?.state !== 'ringing') return; // the server ignores a stale or unknown call id
    Object.assign(call, { state: 'rejected', rejectedAt: nowSec() });
    callCollection.calls.delete(id);
  },
};

const wap = (tag, attrs = {}, content = undefined) => ({ tag, attrs, content });

Object.assign(modules, {
  // Client.attachEventListeners (the `call` event).
  WAWebCallCollection: callCollection,
  // Call.reject (Utils.rejectCall).
  WAWap: { wap, generateId: () => `${nowSec()}.${toHex(randomBytes(4))}` },
  WADeprecatedSendIq: { deprecatedCastStanza: async (stanza) => calls.cast(stanza) },
});

Object.assign(api, {
  /** Every call so far: ringing, or rejected by the library. */
  calls() {
    return calls.log.map((c) => ({ ...c }));
  },
});
