// modules.js: the WhatsApp Web modules whatsapp-web.js 1.34.7 asks for via window.require(name),
// mapped onto the simulator. Grouped by the library source that uses them. A name not in this
// table is recorded in `missing.modules` and throws (as WhatsApp Web's own require does); a
// property read that a module lacks is recorded in `missing.props`. Page files loaded after this
// one add their areas' modules with extendModules (groups-api.js, labels.js, channels-api.js).

const { Msg, Chat } = collections;
const log = (entry) => actionLog.push({ ...entry, t: nowSec() });

const modules = {
  // Client.inject + util/Injected/AuthStore/AuthStore.js: pairing, QR, connection state.
  WAWebSocketModel: { Socket },
  WAWebConnModel: { Conn },
  WAWebCmd: { Cmd },
  WAWebOfflineHandler: { OfflineMessageHandler: { getOfflineDeliveryProgress: () => session.offlineProgress } },
  WAWebAltDeviceLinkingApi: PairingApi,
  WAWebLaunchSocketUtils: { refreshQR: () => session.newRef() },
  WABase64: { encodeB64: toB64, decodeB64: (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)) },
  WAWebCompanionRegClientUtils: { DEVICE_PLATFORM },
  WAWebAdvSignatureApi: { ADV_ACCOUNT_SIGNATURE_PREFIX: 'adv' },
  WAWebUserPrefsInfoStore: { waNoiseInfo: { get: async () => ({ staticKeyPair: { pubKey: session.keys.noise } }) } },
  WAWebSignalStoreApi: {
    waSignalStore: { getRegistrationInfo: async () => ({ registrationId: 1, identityKeyPair: { pubKey: session.keys.identity } }) },
  },
  WAWebUserPrefsMultiDevice: { getADVSecretKey: () => session.keys.adv },
  WAWebUserPrefsMeUser: {
    getMaybeMePnUser: () => session.me?.wid,
    getMaybeMeLidUser: () => lids.meLid(),
    getMeUser: () => session.me?.wid,
  },
  WAWebMiscBrowserUtils: { info: () => ({ name: 'Chrome', version: '156', os: 'Linux', ua: navigator.userAgent }) },
  WAWebStreamModel: {
    Stream: Object.assign(Stream, {
      markAvailable: () => Stream.set('available', true),
      markUnavailable: () => Stream.set('available', false),
    }),
  },

  // Client.attachEventListeners.
  WAWebCollections: collections,
  WAWebSyncGatingUtils: { isPlaceholderMessageResendEnabled: () => false },
  WAWebNonMessageDataRequestPlaceholderMessageResendUtils: { handlePlaceholderMsgsSeen: () => {} },
  WAWebAddonReactionTableMode: {
    reactionTableMode: {
      bulkUpsert: async (records) => {
        for (const r of records) reactionTable.set(r.id._serialized, r);
      },
    },
  },

  // util/Injected/Utils.js (LoadUtils): ids, chats, contacts, serializers.
  WAWebBackendJobsCommon: { mediaTypeFromProtobuf: () => null },
  WAWebE2EProtoUtils: { typeAttributeFromProtobuf: () => 'text' },
  WAWebWidFactory: {
    createWid,
    createWidFromWidLike: createWid,
    toUserWid: createWid,
    asUserWidOrThrow: (w) => {
      const wid = createWid(w);
      if (!wid.isUser()) throw new Error(`[wa-sim] not a user wid: ${wid}`);
      return wid;
    },
  },
  WAWebWidToJid: { widToGroupJid: (w) => `${createWid(w).user}@g.us`, widToUserJid: (w) => createWid(w).toJid() },
  WAWebJidToWid: { userJidToUserWid: createWid, groupJidToWid: createWid },
  WAWebMsgKey: MsgKey,
  WAWebChatGetters: {
    getIsNewsletter: (c) => c.id.isNewsletter(),
    getIsBroadcast: (c) => c.id.isBroadcast(),
    getIsGroup: (c) => c.id.isGroup(),
  },
  WAWebContactGetters: {
    getIsMe: (c) => Boolean(session.me && c.id.equals(session.me.wid)),
    getIsUser: (c) => c.id.isUser(),
    getIsGroup: (c) => c.id.isGroup(),
    getIsWAContact: (c) => c.isWAContact,
    getUserid: (c) => c.id.user,
    getVerifiedName: (c) => c.verifiedName,
    getVerifiedLevel: (c) => c.verifiedLevel,
    getStatusMute: (c) => c.statusMute,
    getName: (c) => c.name,
    getShortName: (c) => c.shortName,
    getPushname: (c) => c.pushname,
    getIsEnterprise: (c) => c.isEnterprise,
  },
  WAWebFrontendContactGetters: { getIsMyContact: (c) => c.isMyContact },
  WAWebFindChatAction: { findOrCreateLatestChat: async (wid) => ({ chat: store.chat(wid), created: false }) },
  WAWebChatLoadMessages: { loadEarlierMsgs },
  WAWebPhoneUtils: { formattedPhoneNumber: (id) => `+${createWid(id).user}` },
  WAPhoneFindCC: { findCC: (n) => (String(n).startsWith('1') ? '1' : String(n).slice(0, 2)) },

  // Sending (Utils.sendMessage, sendSeen, sendChatstate; Client.sendReaction, presence).
  WAWebSendMsgChatAction: { addAndSendMsgToChat },
  WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
  WAWebMsgReply: { canReplyMsg: (m) => m.canReply() },
  WAWebQuotedMsgModelUtils: { getQuotedMsgObj: findQuoted },
  WALinkify: { findLink: (t) => findLinks(t)[0] ?? null, findLinks },
  WAWebLinkPreviewChatAction: {
    getLinkPreview: async (link) => ({ data: { title: link.domain, description: '', canonicalUrl: link.href, matchedText: link.url } }),
  },
  WAWebFrontendVcardUtils: { vcardFromContactModel: vcardFromContact },
  WAWebVcardParsingUtils: { parseVcard: (text) => ({ fn: vcardName(text) }) },
  WAWebVcardGetNameFromParsed: { vcardGetNameFromParsed: (parsed) => parsed.fn },
  WAWebUpdateUnreadChatAction: {
    sendSeen: async ({ chat }) => {
      chat.set('unreadCount', 0);
      log({ kind: 'seen', chatId: chat.id._serialized });
    },
  },
  WAWebSendReactionMsgAction: {
    sendReactionToMsg: async (msg, text) => {
      react(msg, text, session.me.wid);
      return { messageSendResult: 'OK' };
    },
  },
  WAWebChatForwardMessage: { forwardMessages },

  // Media (Utils.processMediaData, Message.downloadMedia).
  WAWebMediaOpaqueData: OpaqueData,
  WAWebPrepRawMedia: { prepRawMedia: media.prepRawMedia },
  WAWebMediaStorage: { getOrCreateMediaObject: media.getOrCreateMediaObject },
  WAWebMmsMediaTypes: { msgToMediaType: ({ type }) => type, castToV4: (t) => t },
  WAWebMediaDataUtils: { shouldUseMediaCache: () => false },
  WAWebMediaInMemoryBlobCache: { InMemoryMediaBlobCache: { put: () => {}, get: () => undefined } },
  WAWebMediaMmsV4Upload: { uploadMedia: media.uploadMedia, uploadUnencryptedMedia: media.uploadMedia },
  WAWebDownloadManager: { downloadManager: { downloadAndMaybeDecrypt: media.download } },

  // Groups (Client.createGroup, GroupChat.addParticipants / removeParticipants / promote / demote).
  WAWebGroupCreateJob: { createGroup: groups.createGroup },
  WAWebGroupQueryJob: { queryAndUpdateGroupMetadataById: async () => {} },
  WASmaxGroupsAddParticipantsRPC: { sendAddParticipantsRPC: groups.sendAddParticipantsRPC },
  WAWebModifyParticipantsGroupAction: {
    removeParticipants: (chat, ps) => groups.modify('remove', chat, ps),
    promoteParticipants: (chat, ps) => groups.modify('promote', chat, ps),
    demoteParticipants: (chat, ps) => groups.modify('demote', chat, ps),
  },
};

Object.assign(Cmd, {
  refreshQR: () => session.newRef(),
  archiveChat: async (chat, archive) => {
    chat.set('archive', archive);
    log({ kind: 'archive', chatId: chat.id._serialized, archive });
  },
  pinChat: async (chat, pin) => {
    chat.set('pin', pin ? nowSec() : 0);
    log({ kind: 'pin', chatId: chat.id._serialized, pin });
  },
  markChatUnread: async (chat, unread) => chat.set('unreadCount', unread ? -1 : 0),
  sendStarMsgs: async (_chat, msgs) => {
    for (const m of msgs) m.set('star', true);
  },
  sendUnstarMsgs: async (_chat, msgs) => {
    for (const m of msgs) m.set('star', false);
  },
  sendRevokeMsgs: async (_chat, { list }) => revoke(list),
  sendDeleteMsgs: async (chat, { list }) => deleteForMe(chat, list),
  openChatBottom: async () => true,
});

/** Adds modules, or properties to modules already in the table (e.g. one more function of a job). */
function extendModules(extra) {
  for (const [name, mod] of Object.entries(extra)) {
    if (modules[name]) Object.assign(modules[name], mod);
    else modules[name] = mod;
  }
}

function findLinks(text) {
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/\b(?:https?:\/\/|www\.)[^\s<>"]+/gi)].map(([url]) => {
    const href = url.startsWith('www.') ? `http://${url}` : url;
    return { url, href, domain: new URL(href).hostname, suspiciousCharacters: undefined };
  });
}

// ---- window.require with loud bookkeeping of what the library asks for and we lack ----

const missing = { modules: new Set(), props: new Set() };
const IGNORED_PROPS = new Set([
  'then',
  'toJSON',
  'constructor',
  'prototype',
  '__proto__',
  'valueOf',
  'toString',
  'inspect',
  'nodeType',
  '$$typeof',
]);
const proxyCache = new WeakMap();

/** Wraps a module (and the plain objects / models it holds, one level down) to record misses. */
function watch(target, path, depth) {
  if (proxyCache.has(target)) return proxyCache.get(target);
  const proxy = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop !== 'string' || IGNORED_PROPS.has(prop)) return Reflect.get(t, prop, receiver);
      if (!(prop in t)) {
        missing.props.add(`${path}.${prop}`);
        return undefined;
      }
      const v = Reflect.get(t, prop, receiver);
      const watchable = v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || v instanceof Emitter);
      return depth > 0 && watchable ? watch(v, `${path}.${prop}`, depth - 1) : v;
    },
  });
  proxyCache.set(target, proxy);
  return proxy;
}

window.require = (name) => {
  const mod = modules[name];
  if (!mod) {
    missing.modules.add(name);
    throw new Error(`[wa-sim] Requiring unknown module "${name}" (not simulated; see test/sim/README.md)`);
  }
  return watch(mod, name, 1);
};
