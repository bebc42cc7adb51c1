/**
 * What whatsapp-web.js can do against the simulator once paired: every kind of send, receiving
 * (media, groups, replies), chats and history, contacts, numbers, pictures, groups, and a busy
 * account. One paired session is shared by the tests of the first describe.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { type Client, type GroupChat, Location, type Message, MessageMedia, Poll } from 'whatsapp-web.js';
import { type SimControl, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import { BUSY_ACCOUNT, DEFAULT_ME, simContactId, simGroupId } from './index';

const ME = `${DEFAULT_ME.number}@c.us`;
// Each test launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const user = (id: string) => id.slice(0, id.indexOf('@'));
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

async function pairedClient(root: SimRoot): Promise<{ client: Client; sim: SimControl }> {
  const client = root.client();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  return { client, sim: simOnPage(client.pupPage as never) };
}

describe('a paired session', () => {
  let root: SimRoot;
  let client: Client;
  let sim: SimControl;
  beforeAll(async () => {
    root = new SimRoot({ autoScan: true });
    ({ client, sim } = await pairedClient(root));
  });
  afterAll(() => root?.cleanup());

  const last = async () => (await sim.outbox()).at(-1);

  test('text with mentions, then a reply that quotes it', async () => {
    const to = simContactId(0);
    const first = await client.sendMessage(to, `hi @${user(simContactId(1))}`, { mentions: [simContactId(1)] });
    expect(await last()).toMatchObject({ id: first.id._serialized, chatId: to, type: 'chat', mentionedIds: [simContactId(1)] });
    const reply = await first.reply('and a reply');
    expect(await last()).toMatchObject({ id: reply.id._serialized, body: 'and a reply', quotedMsgId: first.id._serialized });
    expect(reply.hasQuotedMsg).toBe(true);
  });

  test('media: image with caption, document, voice note, video; bytes arrive intact', async () => {
    const to = simContactId(1);
    const uploaded = nextEvent<[Message]>(client, 'media_uploaded');
    await client.sendMessage(to, new MessageMedia('image/png', PNG, 'dot.png'), { caption: 'a dot' });
    await uploaded;
    const image = await last();
    expect(image).toMatchObject({ type: 'image', caption: 'a dot', media: { mimetype: 'image/png', filename: 'dot.png', size: 70 } });
    expect(await sim.mediaData(image!.media!.directPath)).toBe(PNG);

    await client.sendMessage(to, new MessageMedia('application/pdf', btoa('%PDF-1.4'), 'a.pdf'), { sendMediaAsDocument: true });
    expect(await last()).toMatchObject({ type: 'document', media: { mimetype: 'application/pdf', filename: 'a.pdf' } });
    await client.sendMessage(to, new MessageMedia('audio/ogg', btoa('OggS'), 'v.ogg'), { sendAudioAsVoice: true });
    expect((await last())?.type).toBe('ptt');
    await client.sendMessage(to, new MessageMedia('video/mp4', btoa('mp4'), 'v.mp4'));
    expect((await last())?.type).toBe('video');
  });

  test('location, vcard text, contact card, poll', async () => {
    const to = simContactId(2);
    await client.sendMessage(to, new Location(52.52, 13.4, { name: 'Berlin', address: 'Mitte' }));
    expect((await last())?.location).toEqual({ latitude: 52.52, longitude: 13.4, description: 'Berlin\nMitte' });
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nTEL;type=CELL;waid=15550109999:+15550109999\nEND:VCARD';
    await client.sendMessage(to, vcard);
    expect(await last()).toMatchObject({ type: 'vcard', vcards: [vcard] });
    await client.sendMessage(to, await client.getContactById(simContactId(3)));
    expect((await last())?.vcards?.[0]).toContain(`waid=${user(simContactId(3))}`);
    await client.sendMessage(to, new Poll('Lunch?', ['pizza', 'sushi'], { allowMultipleAnswers: true, messageSecret: undefined }));
    expect((await last())?.poll).toEqual({ name: 'Lunch?', options: ['pizza', 'sushi'], selectableCount: 0 });
  });

  test('seen, typing, reactions both ways', async () => {
    const chatId = simContactId(3);
    const msg = await client.sendMessage(chatId, 'react to this', { sendSeen: false });
    await sim.clearLogs();
    await client.sendSeen(chatId);
    await (await client.getChatById(chatId)).sendStateTyping();
    expect((await sim.actions()).map(({ t, ...a }) => a)).toEqual([
      { kind: 'seen', chatId },
      { kind: 'chatstate', chatId, state: 'typing' },
    ]);
    const mine = nextEvent<[{ reaction: string; senderId: string }]>(client, 'message_reaction');
    await msg.react('👍');
    expect((await mine)[0]).toMatchObject({ reaction: '👍', senderId: ME });
    expect(await last()).toMatchObject({ type: 'reaction', body: '👍', reactionTo: msg.id._serialized });
    const theirs = nextEvent<[{ reaction: string; senderId: string }]>(client, 'message_reaction');
    await sim.react(msg.id._serialized, '❤️');
    expect((await theirs)[0]).toMatchObject({ reaction: '❤️', senderId: chatId });
  });

  test('incoming: downloadable media, a group message with its author, a reply with its quote', async () => {
    const media = nextEvent<[Message]>(client, 'message', (m) => m.hasMedia);
    await sim.receive({ from: simContactId(0), media: { mimetype: 'image/png', data: PNG, filename: 'in.png' }, caption: 'look' });
    const [withMedia] = await media;
    expect({ type: String(withMedia.type), body: withMedia.body }).toEqual({ type: 'image', body: 'look' });
    expect((await withMedia.downloadMedia()).data).toBe(PNG);

    const group = nextEvent<[Message]>(client, 'message', (m) => m.from === simGroupId(0));
    await sim.receive({ from: simGroupId(0), author: simContactId(4), body: 'hello group' });
    const [inGroup] = await group;
    expect({ author: inGroup.author, body: inGroup.body }).toEqual({ author: simContactId(4), body: 'hello group' });

    const original = await client.sendMessage(simContactId(0), 'original');
    const replied = nextEvent<[Message]>(client, 'message', (m) => m.hasQuotedMsg);
    await sim.receive({ from: simContactId(0), body: 'answer', quotedId: original.id._serialized });
    const quoted = await (await replied)[0].getQuotedMessage();
    expect({ id: quoted.id._serialized, body: quoted.body }).toEqual({ id: original.id._serialized, body: 'original' });
  });

  test('chats, history and contacts', async () => {
    const chats = await client.getChats();
    expect(chats.map((c) => c.id._serialized)).toContain(simGroupId(0));
    const chat = await client.getChatById(simContactId(2)); // a seeded chat: it has history
    expect({ name: chat.name, isGroup: chat.isGroup }).toEqual({ name: 'Carla Silva', isGroup: false });
    expect(await chat.fetchMessages({ limit: 5 })).toHaveLength(5);
    const contact = await client.getContactById(simContactId(2));
    expect({ name: contact.name, pushname: contact.pushname, number: contact.number, isMyContact: contact.isMyContact }).toEqual({
      name: 'Carla Silva',
      pushname: 'Carla',
      number: user(simContactId(2)),
      isMyContact: true,
    });
    expect((await client.getContacts()).length).toBeGreaterThanOrEqual(6);
  });

  test('numbers on WhatsApp and profile pictures', async () => {
    expect((await client.getNumberId('15550107777'))?._serialized).toBe('15550107777@c.us');
    await sim.setRegistered('15550108888@c.us', false);
    expect(await client.isRegisteredUser('15550108888@c.us')).toBe(false);
    expect(await client.getProfilePicUrl(simContactId(0))).toStartWith('https://pps.whatsapp.net/');
    await sim.setProfilePic(simContactId(1), null);
    expect(await client.getProfilePicUrl(simContactId(1))).toBeUndefined();
  });

  test('groups: create, metadata, add and remove participants', async () => {
    const created = (await client.createGroup('Team', [simContactId(0), simContactId(1)])) as { gid: { _serialized: string } };
    const gid = created.gid._serialized;
    const group = (await client.getChatById(gid)) as GroupChat;
    const ids = () => group.participants.map((p) => p.id._serialized).sort();
    expect({ name: group.name, owner: group.owner._serialized, ids: ids() }).toEqual({
      name: 'Team',
      owner: ME,
      ids: [simContactId(0), simContactId(1), ME].sort(),
    });

    const joined = nextEvent<[{ recipientIds: string[] }]>(client, 'group_join');
    await group.addParticipants([simContactId(2)]);
    expect((await joined)[0].recipientIds).toEqual([simContactId(2)]);
    const left = nextEvent(client, 'group_leave');
    await group.removeParticipants([simContactId(0)]);
    await left;
    const after = (await client.getChatById(gid)) as GroupChat;
    expect(after.participants.map((p) => p.id._serialized).sort()).toEqual([simContactId(1), simContactId(2), ME].sort());
  });

  test('the library asked for nothing the simulator lacks', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});

describe('a busy account', () => {
  let root: SimRoot | undefined;
  afterAll(() => root?.cleanup());

  test(`${BUSY_ACCOUNT.chats} chats × ${BUSY_ACCOUNT.messagesPerChat} messages are in the page and readable`, async () => {
    root = new SimRoot({ autoScan: true, account: BUSY_ACCOUNT });
    const { client, sim } = await pairedClient(root);
    const { counts } = await sim.status();
    // Contacts: the seeded ones, me, and one per group (WhatsApp Web lists groups as contacts too).
    // Messages: the chats' history and the posts of the channels the account follows (30 each).
    expect(counts).toEqual({ chats: 500, groups: 50, contacts: 800 + 1 + 50, messages: 100_000 + BUSY_ACCOUNT.channels * 30 });
    expect(await client.getChats()).toHaveLength(500);
    const history = await (await client.getChatById(simGroupId(3))).fetchMessages({ limit: 200 });
    expect(history).toHaveLength(200);
    expect(history.every((m) => m.author || m.fromMe)).toBe(true);
  });
});
