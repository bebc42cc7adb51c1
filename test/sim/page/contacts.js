// contacts.js: LIDs, blocking and the address book.
//
// A LID is WhatsApp's opaque per-user id ("<15 digits>@lid") beside the phone-number id. On the
// simulated server every registered number has one: "8" + the number padded to 14 digits
// (index.ts `simLid` computes it). The page itself only knows the mappings it has learnt: me, the
// seeded contacts with an even index, and whatever queryWidExists was asked about. A message from
// an unknown LID therefore arrives without a phone number, as on WhatsApp Web.

const LID_PREFIX = '8';

const lids = {
  byLid: new Map(), // lid → pn (serialized)
  byPn: new Map(), // pn → lid

  /** The server's LID for a phone-number wid. */
  serverLid(pn) {
    return createWid(`${LID_PREFIX}${pn.user.padStart(14, '0')}@lid`);
  },
  /** The server's phone number for a LID, when it belongs to a registered number. */
  serverPn(lid) {
    if (!lid.user.startsWith(LID_PREFIX) || lid.user.length !== 15) return undefined;
    const pn = createWid(`${lid.user.slice(1).replace(/^0+/, '')}@c.us`);
    return store.isRegistered(pn) ? pn : undefined;
  },
  learn(lid, pn) {
    this.byLid.set(lid._serialized, pn._serialized);
    this.byPn.set(pn._serialized, lid._serialized);
    collections.Contact.get(lid)?.set(this.contactAttrs(lid));
  },
  lidOf(pn) {
    const lid = this.byPn.get(createWid(pn)._serialized);
    return lid && createWid(lid);
  },
  pnOf(lid) {
    const pn = this.byLid.get(createWid(lid)._serialized);
    return pn && createWid(pn);
  },
  meLid() {
    return session.me && this.lidOf(session.me.wid);
  },
  /** A LID contact carries its phone number (and the names of that contact) once the mapping is known. */
  contactAttrs(wid) {
    const pn = wid.isLid() && this.pnOf(wid);
    if (!pn) return {};
    const c = collections.Contact.get(pn);
    return { phoneNumber: pn, name: c?.name, shortName: c?.shortName, pushname: c?.pushname, isMyContact: c?.isMyContact ?? false };
  },
  seed() {
    const { contacts = 0 } = CONFIG.account;
    const known = [session.me.wid];
    for (let i = 0; i < contacts; i += 2) known.push(contactWid(CONFIG.ids, i));
    for (const pn of known) this.learn(this.serverLid(pn), pn);
  },
};
seedHooks.push(() => lids.seed());

/** WAWebQueryExistsJob.queryWidExists: asks the server, which also teaches the page the LID mapping. */
async function queryWidExists(w) {
  const wid = createWid(w);
  if (wid.isLid()) {
    const pn = lids.serverPn(wid);
    if (!pn) return null;
    lids.learn(wid, pn);
    return { wid, biz: false };
  }
  if (!store.isRegistered(wid)) return null;
  if (wid.server === 'c.us') lids.learn(lids.serverLid(wid), wid);
  return { wid, biz: false };
}

const contacts = {
  block(contact, blocked) {
    contact.set('isContactBlocked', blocked);
    if (blocked) collections.Blocklist.add({ id: contact.id });
    else collections.Blocklist.remove(contact.id);
    actionLog.push({ kind: blocked ? 'block' : 'unblock', chatId: contact.id._serialized, t: nowSec() });
  },
  /** WAWebSaveContactAction.saveContactAction: `phoneNumber` is digits ("15550109999"). */
  async save({ firstName, lastName, phoneNumber, syncToAddressbook }) {
    const wid = createWid(`${String(phoneNumber).replace(/\D/g, '')}@c.us`);
    const name = [firstName, lastName].filter(Boolean).join(' ');
    store.contact(wid, { name, shortName: firstName, isMyContact: true, isAddressBookContact: true, isWAContact: store.isRegistered(wid) });
    const lid = lids.lidOf(wid);
    if (lid) collections.Contact.get(lid)?.set(lids.contactAttrs(lid));
    actionLog.push({ kind: 'contact-save', chatId: wid._serialized, firstName, lastName, syncToAddressbook, t: nowSec() });
  },
  async remove({ phoneNumber }) {
    const wid = createWid(phoneNumber);
    collections.Contact.get(wid)?.set({ name: undefined, shortName: undefined, isMyContact: false, isAddressBookContact: false });
    actionLog.push({ kind: 'contact-delete', chatId: wid._serialized, t: nowSec() });
  },
  /** What a test wants to know about one contact. */
  snapshot(id) {
    const wid = createWid(id);
    const c = collections.Contact.get(wid);
    if (!c) return null;
    const pn = wid.isLid() ? lids.pnOf(wid) : wid;
    return clean({
      id: wid._serialized,
      name: c.name,
      shortName: c.shortName,
      pushname: c.pushname,
      isMyContact: c.isMyContact,
      isBlocked: Boolean(c.isContactBlocked),
      phoneNumber: pn?._serialized,
      lid: (wid.isLid() ? wid : lids.lidOf(wid))?._serialized,
      about: pn ? profiles.aboutOf(pn) : undefined,
    });
  },
};

// Contact.find makes a LID contact with its phone number, like the other ways contacts appear.
collections.Contact.find = async (id) => store.contact(id);

Object.assign(modules, {
  // Utils.getContactModel / enforceLidAndPnRetrieval, Client.getContactLidAndPhone.
  WAWebApiContact: {
    getPhoneNumber: (w) => (createWid(w).isLid() ? lids.pnOf(w) : createWid(w)),
    getCurrentLid: (w) => (createWid(w).isLid() ? createWid(w) : lids.lidOf(w)),
    getAlternateUserWid: (w) => (createWid(w).isLid() ? lids.pnOf(w) : lids.lidOf(w)),
    warmUpAllLidPnMappings: async () => {},
  },
  WAWebLidMigrationUtils: { toPn: (w) => (createWid(w).isLid() ? (lids.pnOf(w) ?? null) : createWid(w)) },
  WAWebQueryExistsJob: { queryWidExists },
  // Contact.block / unblock, Client.getBlockedContacts (the Blocklist collection).
  WAWebBlockContactUtils: { getContactToBlockOnlyUseIfNoAssociatedChat: (contact) => contact },
  WAWebBlockContactAction: {
    blockContact: async ({ contact }) => contacts.block(contact, true),
    unblockContact: async (contact) => contacts.block(contact, false),
  },
  // Client.saveOrEditAddressbookContact / deleteAddressbookContact.
  WAWebSaveContactAction: { saveContactAction: (args) => contacts.save(args) },
  WAWebDeleteContactAction: { deleteContactAction: (args) => contacts.remove(args) },
});

Object.assign(api, {
  /** A contact as the page holds it (names, block state, phone number and LID, about). */
  contact(id) {
    return contacts.snapshot(id);
  },
  blocked() {
    return collections.Blocklist.getModelsArray().map((m) => m.id._serialized);
  },
  /** The LID ↔ phone-number mappings the page knows, sorted by LID. */
  lids() {
    return [...lids.byLid].sort(([a], [b]) => a.localeCompare(b)).map(([lid, pn]) => ({ lid, pn }));
  },
});
