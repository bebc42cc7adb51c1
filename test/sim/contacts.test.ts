/**
 * Contacts through the real whatsapp-web.js Client: about texts, blocking, the address book,
 * LID ↔ phone-number mappings, and messages from senders known only by their LID.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Message } from 'whatsapp-web.js';
import { nextEvent } from './harness';
import { DEFAULT_ME, simContactId, simLid } from './index';
import { pairedSession } from './paired';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const ME = `${DEFAULT_ME.number}@c.us`;
const paired = pairedSession();

describe('contacts', () => {
  test('about: the default text, one the contact set, one they hide', async () => {
    const { client, sim } = paired;
    expect(await (await client.getContactById(simContactId(0))).getAbout()).toBe('Hey there! I am using WhatsApp.');
    await sim.setAbout(simContactId(1), 'At the gym');
    expect(await (await client.getContactById(simContactId(1))).getAbout()).toBe('At the gym');
    await sim.setAbout(simContactId(2), null);
    expect(await (await client.getContactById(simContactId(2))).getAbout()).toBeNull();
  });

  test('block and unblock: the block list, isBlocked and getBlockedContacts follow', async () => {
    const { client, sim } = paired;
    const id = simContactId(3);
    expect(await (await client.getContactById(id)).block()).toBe(true);
    expect(await sim.blocked()).toEqual([id]);
    expect((await client.getContactById(id)).isBlocked).toBe(true);
    const listed = await client.getBlockedContacts();
    expect(listed.map((c) => c.id._serialized)).toEqual([id]);
    // The library builds these with `this.client`, undefined on a Client: their methods cannot run.
    await expect(listed[0]!.getAbout()).rejects.toThrow();

    expect(await (await client.getContactById(id)).unblock()).toBe(true);
    expect(await sim.blocked()).toEqual([]);
    expect(await sim.contact(id)).toMatchObject({ isBlocked: false });
  });

  test('save a number to the address book, rename it, delete it', async () => {
    const { client, sim } = paired;
    const number = '15550107301';
    const id = `${number}@c.us`;
    await client.saveOrEditAddressbookContact(number, 'Jane', 'Doe', true);
    const saved = await client.getContactById(id);
    expect({ name: saved.name, shortName: saved.shortName, isMyContact: saved.isMyContact }).toEqual({
      name: 'Jane Doe',
      shortName: 'Jane',
      isMyContact: true,
    });
    await client.saveOrEditAddressbookContact(number, 'Janet', '', false);
    expect((await sim.contact(id))?.name).toBe('Janet');
    expect((await sim.actions()).filter((a) => a.kind === 'contact-save').map((a) => a.syncToAddressbook)).toEqual([true, false]);

    await client.deleteAddressbookContact(number);
    const deleted = await client.getContactById(id);
    expect({ name: deleted.name, isMyContact: deleted.isMyContact }).toEqual({ name: undefined, isMyContact: false });
  });
});

describe('LIDs', () => {
  test('known from the start, learnt from the server, none for a number not on WhatsApp', async () => {
    const { client, sim } = paired;
    const known = simContactId(0); // seeded with an even index: the page knows its LID
    const learnt = simContactId(1);
    expect((await sim.lids()).map((m) => m.pn)).toContain(known);
    expect((await sim.lids()).map((m) => m.pn)).not.toContain(learnt);

    expect(await client.getContactLidAndPhone([known, learnt])).toEqual([
      { lid: simLid(known), pn: known },
      { lid: simLid(learnt), pn: learnt },
    ]);
    expect(await sim.lids()).toContainEqual({ lid: simLid(learnt), pn: learnt });

    const stranger = '15550107302@c.us'; // asked by LID: the server answers with the number
    expect(await client.getContactLidAndPhone([simLid(stranger)])).toEqual([{ lid: simLid(stranger), pn: stranger }]);
    await sim.setRegistered('15550107303@c.us', false);
    // Typed { lid: string; pn: string }, but both are undefined then.
    expect(JSON.stringify(await client.getContactLidAndPhone(['15550107303@c.us']))).toBe('[{}]');
  });

  test('a message from a known LID: from is the LID, the contact is the phone number, my reply goes out from my LID', async () => {
    const { client, sim } = paired;
    const pn = simContactId(2);
    const lid = simLid(pn);
    const got = nextEvent<[Message]>(client, 'message', (m) => m.from === lid);
    await sim.receive({ from: lid, body: 'hi, from my LID' });
    const [msg] = await got;
    const contact = await msg.getContact();
    expect({ id: contact.id._serialized, name: contact.name }).toEqual({ id: pn, name: 'Carla Silva' });
    // The LID contact shows its phone number: getContacts lists the person twice.
    expect((await client.getContacts()).filter((c) => c.id._serialized === pn)).toHaveLength(2);

    const reply = await msg.reply('hi back');
    expect({ from: reply.from, to: reply.to }).toEqual({ from: simLid(ME), to: lid });
    expect(await sim.waitForOutbox({ chatId: lid, body: 'hi back' })).toMatchObject({ quotedMsgId: msg.id._serialized });
  });

  test('a message from an unknown LID: no phone number until the library asks the server', async () => {
    const { client, sim } = paired;
    const pn = simContactId(5); // odd index: not known to the page
    const lid = simLid(pn);
    const got = nextEvent<[Message]>(client, 'message', (m) => m.from === lid);
    await sim.receive({ from: lid, body: 'who am I?' });
    const [msg] = await got;
    expect((await msg.getContact()).id._serialized).toBe(lid);
    expect(await sim.contact(lid)).toMatchObject({ id: lid, lid });

    expect(await client.getContactLidAndPhone([lid])).toEqual([{ lid, pn }]);
    const contact = await client.getContactById(lid);
    expect({ id: contact.id._serialized, name: contact.name }).toEqual({ id: pn, name: 'Fatima Silva' });
  });
});
