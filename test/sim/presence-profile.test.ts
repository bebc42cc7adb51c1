/**
 * Presence and my profile through the real whatsapp-web.js Client. The library can only send
 * presence and chat states; a contact's presence is read the way an engine has to do it itself
 * (page.evaluate on WhatsApp Web's presence modules, as WAHA's WEBJS engine does).
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { type Client, type GroupChat, MessageMedia } from 'whatsapp-web.js';
import { simOnPage } from './control';
import { PNG_1X1 } from './fixtures';
import { nextEvent, SimRoot } from './harness';
import { DEFAULT_ME, simContactId, simGroupId, simLid } from './index';
import { pairedSession } from './paired';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const ME = `${DEFAULT_ME.number}@c.us`;
const paired = pairedSession();

type Chatstate = { participant: string; type: string; t: number };
type PageWindow = { require: (name: string) => any };

/** Subscribes to a chat's presence: WAWebContactPresenceBridge.subscribePresence(wid, chat.getTcToken()). */
function subscribePresence(client: Client, chatId: string): Promise<void> {
  return client.pupPage!.evaluate(async (id) => {
    const require = (window as unknown as PageWindow).require;
    const wid = require('WAWebWidFactory').createWidFromWidLike(id);
    const chat = require('WAWebChatCollection').ChatCollection.get(wid);
    await require('WAWebContactPresenceBridge').subscribePresence(wid, chat?.getTcToken());
  }, chatId);
}

/** The chat states WAWebPresenceCollection holds for a chat (one for a contact, one per member for a group). */
function readPresence(client: Client, chatId: string): Promise<Chatstate[]> {
  return client.pupPage!.evaluate((id) => {
    const require = (window as unknown as PageWindow).require;
    const presence = require('WAWebPresenceCollection').PresenceCollection.get(id);
    if (!presence) return [];
    const states = id.endsWith('@g.us') ? presence.chatstates.getModelsArray() : [presence.chatstate];
    return states.map((s: any) => ({ participant: s.id._serialized, type: s.type, t: s.t }));
  }, chatId) as Promise<Chatstate[]>;
}

/**
 * Starts listening for the next chat state the page receives for `chatId` (PresenceCollection
 * change:chatstate) and resolves once listening; the returned function waits for it.
 */
async function nextChatstate(client: Client, chatId: string): Promise<() => Promise<{ type: string }>> {
  await client.pupPage!.evaluate((id) => {
    const w = window as unknown as PageWindow & { nextChatstate?: Promise<{ type: string }> };
    const collection = w.require('WAWebPresenceCollection').PresenceCollection;
    w.nextChatstate = new Promise((resolve) => {
      const onChange = (presence: any, chatstate: any) => {
        if (presence.id._serialized !== id) return;
        collection.off('change:chatstate', onChange);
        resolve({ type: chatstate.type });
      };
      collection.on('change:chatstate', onChange);
    });
  }, chatId);
  return () => client.pupPage!.evaluate(() => (window as unknown as { nextChatstate: Promise<{ type: string }> }).nextChatstate);
}

describe('presence', () => {
  test('my presence and chat states reach the page', async () => {
    const { client, sim } = paired;
    const chatId = simContactId(0);
    await client.sendPresenceAvailable();
    expect((await sim.presences()).presence).toBe('available');
    const chat = await client.getChatById(chatId);
    for (const [send, state] of [
      [() => chat.sendStateTyping(), 'typing'],
      [() => chat.sendStateRecording(), 'recording'],
      [() => chat.clearState(), 'paused'],
    ] as const) {
      await send();
      expect((await sim.presences()).chatstates[chatId]?.state).toBe(state);
    }
    await client.sendPresenceUnavailable();
    expect((await sim.presences()).presence).toBe('unavailable');
  });

  test('a contact’s presence reaches a subscribed chat only; the current one comes with the subscription', async () => {
    const { client, sim } = paired;
    const chatId = simContactId(1);
    expect(await sim.presence(chatId, { state: 'available' })).toBe(false); // nobody subscribed yet
    await subscribePresence(client, chatId);
    expect((await sim.presences()).subscribed).toContain(chatId);
    expect(await readPresence(client, chatId)).toMatchObject([{ participant: chatId, type: 'available' }]);

    const typing = await nextChatstate(client, chatId);
    expect(await sim.presence(chatId, { state: 'typing' })).toBe(true);
    expect(await typing()).toEqual({ type: 'typing' });
    await sim.presence(chatId, { state: 'unavailable', lastSeen: 1_700_000_000 });
    expect(await readPresence(client, chatId)).toEqual([{ participant: chatId, type: 'unavailable', t: 1_700_000_000 }]);
  });

  test('in a group: one chat state per member', async () => {
    const { client, sim } = paired;
    const group = (await client.getChatById(simGroupId(0))) as GroupChat;
    const [a, b] = group.participants.map((p) => p.id._serialized).filter((p) => p !== ME);
    await subscribePresence(client, simGroupId(0));
    await sim.presence(simGroupId(0), { state: 'typing', participant: a });
    await sim.presence(simGroupId(0), { state: 'recording', participant: b });
    const states = (await readPresence(client, simGroupId(0))).map(({ participant, type }) => ({ participant, type }));
    expect(states).toHaveLength(2);
    expect(states).toContainEqual({ participant: a!, type: 'typing' });
    expect(states).toContainEqual({ participant: b!, type: 'recording_audio' });
  });
});

describe('my profile', () => {
  test('name, about and picture: read, changed, picture deleted', async () => {
    const { client, sim } = paired;
    expect(await sim.profile()).toMatchObject({
      id: ME,
      lid: simLid(ME),
      pushName: DEFAULT_ME.pushName,
      about: 'Hey there! I am using WhatsApp.',
    });
    expect(await client.getProfilePicUrl(ME)).toStartWith('https://pps.whatsapp.net/');

    expect(await client.setDisplayName('Renamed Tester')).toBe(true);
    expect((await sim.profile())?.pushName).toBe('Renamed Tester');
    expect(client.info.pushname).toBe(DEFAULT_ME.pushName); // the library does not refresh its own copy

    await client.setStatus('On holiday');
    expect((await sim.profile())?.about).toBe('On holiday');
    expect(await (await client.getContactById(ME)).getAbout()).toBe('On holiday');

    expect(await client.setProfilePicture(new MessageMedia('image/png', PNG_1X1, 'me.png'))).toBe(true);
    const { picture } = (await sim.profile())!;
    expect(picture?.mimetype).toBe('image/jpeg'); // the library redraws it as a 640 px JPEG
    expect(Buffer.from(picture!.data!, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await client.getProfilePicUrl(ME)).toBe(picture!.url);

    expect(await client.deleteProfilePicture()).toBe(true);
    expect((await sim.profile())?.picture).toBeNull();
    expect(await client.getProfilePicUrl(ME)).toBeUndefined();
  });
});

describe('my profile after a restart', () => {
  let root: SimRoot | undefined;
  afterAll(() => root?.cleanup());

  test('name, about and picture are kept by the server', async () => {
    root = new SimRoot({ autoScan: true });
    const first = root.client();
    const ready = nextEvent(first, 'ready');
    void first.initialize();
    await ready;
    await first.setDisplayName('Kept Name');
    await first.setStatus('Kept about');
    await first.setProfilePicture(new MessageMedia('image/png', PNG_1X1));
    const before = await simOnPage(first.pupPage as never).profile();
    await first.destroy();

    const second = root.client();
    const again = nextEvent(second, 'ready');
    void second.initialize();
    await again;
    expect(second.info.pushname).toBe('Kept Name');
    expect(await simOnPage(second.pupPage as never).profile()).toEqual(before);
  });
});
