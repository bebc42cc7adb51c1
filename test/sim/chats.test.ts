/**
 * Chats through the real whatsapp-web.js Client: archive, pin, mute, unread and seen, deleting
 * and clearing a chat, chat pictures, one message by id. Effects are read back from the
 * simulator (chatState, message, actions), events from the Client.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Chat, Message } from 'whatsapp-web.js';
import { nextEvent } from './harness';
import { simContactId, simGroupId } from './index';
import { pairedSession } from './paired';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const paired = pairedSession();

describe('chat state', () => {
  test('archive and unarchive: chat_archived both ways, the page shows it', async () => {
    const { client, sim } = paired;
    const id = simContactId(0);
    const archived = nextEvent<[Chat, boolean, boolean]>(client, 'chat_archived', (c, now) => c.id._serialized === id && now);
    expect(await client.archiveChat(id)).toBe(true);
    const [chat, now, before] = await archived;
    expect({ archived: chat.archived, now, before }).toEqual({ archived: true, now: true, before: false });
    expect(await sim.chatState(id)).toMatchObject({ exists: true, archived: true });

    const back = nextEvent<[Chat, boolean]>(client, 'chat_archived', (c, now) => c.id._serialized === id && !now);
    expect(await client.unarchiveChat(id)).toBe(false);
    await back;
    expect((await sim.chatState(id)).archived).toBe(false);
  });

  test('pin and mute, then unpin and unmute', async () => {
    const { client, sim } = paired;
    const id = simContactId(1);
    expect(await client.pinChat(id)).toBe(true);
    const chat = await client.getChatById(id);
    const until = new Date(Date.now() + 3_600_000);
    await chat.mute(until);
    expect(await sim.chatState(id)).toMatchObject({ pinned: true, muted: true, muteExpiration: Math.floor(until.getTime() / 1000) });
    expect((await client.getChatById(id)).pinned).toBe(true);

    expect(await client.unpinChat(id)).toBe(false);
    await chat.unmute();
    expect(await sim.chatState(id)).toMatchObject({ pinned: false, muted: false, muteExpiration: 0 });
  });

  test('mark unread, then sendSeen reads it (unread_count events)', async () => {
    const { client, sim } = paired;
    const id = '15550107101@c.us';
    await sim.receive({ from: id, body: 'unread me' });
    const marked = nextEvent<[Chat]>(client, 'unread_count', (c) => c.id._serialized === id && c.unreadCount === -1);
    await client.markChatUnread(id);
    await marked;
    expect(await sim.chatState(id)).toMatchObject({ unreadCount: -1, markedUnread: true });

    const read = nextEvent<[Chat]>(client, 'unread_count', (c) => c.id._serialized === id && c.unreadCount === 0);
    expect(await client.sendSeen(id)).toBe(true);
    await read;
    expect(await sim.chatState(id)).toMatchObject({ unreadCount: 0, markedUnread: false });
    expect((await sim.actions()).some((a) => a.kind === 'seen' && a.chatId === id)).toBe(true);
  });
});

describe('deleting and clearing', () => {
  test('delete a chat: chat_removed, its messages are gone (the chat comes back empty)', async () => {
    const { client, sim } = paired;
    const id = '15550107102@c.us';
    const first = await sim.receive({ from: id, body: 'one' });
    await sim.receive({ from: id, body: 'two' });
    expect((await sim.chatState(id)).messages).toBe(2);

    const removed = nextEvent<[Chat]>(client, 'chat_removed', (c) => c.id._serialized === id);
    expect(await (await client.getChatById(id)).delete()).toBe(true);
    await removed;
    // The library's chat_removed handler looks the chat up again, which creates an empty one.
    expect(await sim.chatState(id)).toMatchObject({ exists: true, messages: 0 });
    expect(await sim.message(first)).toBeNull();
    expect(await client.getMessageById(first)).toBeNull();
    expect((await sim.actions()).find((a) => a.kind === 'chat-delete' && a.chatId === id)).toMatchObject({ removed: 2 });
  });

  test('clear messages: the chat stays, without messages', async () => {
    const { client, sim } = paired;
    const id = simContactId(2); // a seeded chat with history
    expect((await sim.chatState(id)).messages).toBeGreaterThan(0);
    expect(await (await client.getChatById(id)).clearMessages()).toBe(true);
    expect(await sim.chatState(id)).toMatchObject({ exists: true, messages: 0 });
    expect(await (await client.getChatById(id)).fetchMessages({ limit: 10 })).toEqual([]);
  });
});

describe('pictures and single messages', () => {
  test('chat picture: a contact, a group, and a hidden one', async () => {
    const { client, sim } = paired;
    expect(await client.getProfilePicUrl(simGroupId(0))).toStartWith('https://pps.whatsapp.net/');
    await sim.setProfilePic(simContactId(3), 'https://pps.whatsapp.net/v/t61.24694-24/p3.jpg');
    expect(await client.getProfilePicUrl(simContactId(3))).toBe('https://pps.whatsapp.net/v/t61.24694-24/p3.jpg');
    await sim.setProfilePic(simContactId(4), null);
    expect(await client.getProfilePicUrl(simContactId(4))).toBeUndefined();
  });

  test('getMessageById: a sent one, a received one, a seeded one; an unknown id is null', async () => {
    const { client, sim } = paired;
    const id = '15550107103@c.us';
    const sent = await client.sendMessage(id, 'find me');
    const inId = await sim.receive({ from: id, body: 'and me' });
    const seeded = (await (await client.getChatById(simContactId(0))).fetchMessages({ limit: 3 }))[0] as Message;

    const got = await Promise.all([sent.id._serialized, inId, seeded.id._serialized].map((m) => client.getMessageById(m)));
    expect(got.map((m) => m?.body)).toEqual(['find me', 'and me', seeded.body]);
    expect((await sim.message(inId))?.body).toBe('and me');
    expect(await client.getMessageById(`false_${id}_3A0000000000000000000`)).toBeNull();
  });
});
