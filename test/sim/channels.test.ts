/**
 * Channels (newsletters) with the real whatsapp-web.js Client against the simulator: the
 * account's channels, one by id or invite code, previews and their posts, search, subscribe /
 * unsubscribe, posts arriving, mute, create and delete. One paired session for the file; every
 * test that changes something uses channels of its own.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Channel, Client, Message } from 'whatsapp-web.js';
import { type SimControl, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import { DEFAULT_ME, simChannelId } from './index';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
const DAY = 86_400;
/** Channel as the library builds it; channelMetadata is WhatsApp Web's newsletter metadata, serialized. */
type LibChannel = Channel & { channelMetadata: { membershipType: string; inviteCode: string; verified: boolean; size: number } };

let root: SimRoot;
let client: Client;
let sim: SimControl;

beforeAll(async () => {
  root = new SimRoot({ autoScan: true });
  client = root.client();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  sim = simOnPage(client.pupPage as never);
});
afterAll(() => root?.cleanup());

const ids = (channels: Channel[]) => channels.map((c) => c.id._serialized);
/** getChatById is typed as returning a Chat; for a newsletter id it is a Channel. */
const channelById = async (id: string) => (await client.getChatById(id)) as unknown as LibChannel;

describe('channels', () => {
  test('the channels the account has (one owned, two followed), one by id, one by invite code or id', async () => {
    const channels = (await client.getChannels()) as LibChannel[];
    const seeded = [0, 1, 2].map(simChannelId);
    expect(ids(channels)).toEqual(expect.arrayContaining(seeded));
    const own = channels.find((c) => c.id._serialized === simChannelId(0));
    const ownInSim = await sim.channel(simChannelId(0));
    expect({
      name: own?.name,
      description: own?.description,
      isChannel: own?.isChannel,
      isReadOnly: own?.isReadOnly,
      role: own?.channelMetadata.membershipType,
      inviteCode: own?.channelMetadata.inviteCode,
    }).toEqual({
      name: `${DEFAULT_ME.pushName}'s channel`,
      description: ownInSim?.description,
      isChannel: true,
      isReadOnly: false,
      role: 'owner',
      inviteCode: ownInSim?.inviteCode,
    });
    expect(channels.filter((c) => seeded.slice(1).includes(c.id._serialized)).map((c) => c.channelMetadata.membershipType)).toEqual([
      'subscriber',
      'subscriber',
    ]);

    const followed = await channelById(simChannelId(1));
    expect({ isChannel: followed.isChannel, lastFromChannel: followed.lastMessage?.from }).toEqual({
      isChannel: true,
      lastFromChannel: simChannelId(1),
    });
    const invite = (await sim.channel(simChannelId(2)))?.inviteCode as string;
    expect((await client.getChannelByInviteCode(invite)).id._serialized).toBe(simChannelId(2));
    // WhatsApp Web's metadata query takes a channel id as well as an invite code.
    expect((await client.getChannelByInviteCode(simChannelId(2))).id._serialized).toBe(simChannelId(2));
    expect(await client.getChannelByInviteCode('0029VaNoSuchChannel00000')).toBeUndefined();
    expect(await client.getProfilePicUrl(simChannelId(1))).toStartWith('https://pps.whatsapp.net/');
    expect(await client.getChatById('120363889999999999@newsletter')).toBeUndefined();
  });

  test('a channel the account does not follow: a guest preview, its posts with fetchMessages (older ones paged in)', async () => {
    const { id, inviteCode } = await sim.addChannel({ name: 'Long history', posts: 80 });
    expect((await sim.channel(id))?.role).toBeNull();
    const preview = (await client.getChannelByInviteCode(inviteCode)) as LibChannel;
    expect({ id: preview.id._serialized, role: preview.channelMetadata.membershipType }).toEqual({ id, role: 'guest' });
    expect((await sim.channel(id))?.role).toBe('guest');

    const latest = await preview.fetchMessages({ limit: 3 });
    expect(latest.map((m) => m.body)).toEqual(['Long history post 78', 'Long history post 79', 'Long history post 80']);
    expect(latest.every((m) => m.from === id && !m.fromMe)).toBe(true);
    expect(await preview.fetchMessages({ limit: 80 })).toHaveLength(80);
  });

  test('search: by text, by view, by countries (default: the account region), with a limit, skipping followed ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const daily = await sim.addChannel({ name: 'Zebra daily', country: 'IS', subscribers: 500, trend: 10, createdAt: now - 3 * DAY });
    const weekly = await sim.addChannel({
      name: 'Zebra weekly',
      country: 'IS',
      subscribers: 900,
      trend: 5,
      createdAt: now - DAY,
      role: 'subscriber',
    });
    const monthly = await sim.addChannel({ name: 'Zebra monthly', country: 'FO', subscribers: 100, trend: 50, createdAt: now - 2 * DAY });
    const both = ['IS', 'FO'];
    await sim.clearLogs();

    expect(await client.searchChannels({ searchText: 'zebra' })).toEqual([]); // US only, the account's region
    expect(ids(await client.searchChannels({ searchText: 'Zebra', countryCodes: ['IS'] }))).toEqual([daily.id, weekly.id]);
    expect(ids(await client.searchChannels({ searchText: 'zebra', countryCodes: both, skipSubscribedNewsletters: true }))).toEqual([
      daily.id,
      monthly.id,
    ]);
    expect(await client.searchChannels({ searchText: 'zebra', countryCodes: both, limit: 1 })).toHaveLength(1);
    expect(ids(await client.searchChannels({ countryCodes: both, view: 2 }))).toEqual([weekly.id, daily.id, monthly.id]); // popular
    expect(ids(await client.searchChannels({ countryCodes: both, view: 1 }))).toEqual([monthly.id, daily.id, weekly.id]); // trending
    expect(ids(await client.searchChannels({ countryCodes: both, view: 3 }))).toEqual([weekly.id, monthly.id, daily.id]); // new

    // Found channels are kept as guests; the library never sends categories or a cursor.
    expect((await sim.channel(daily.id))?.role).toBe('guest');
    const searches = (await sim.actions()).filter((a) => a.kind === 'channel-search');
    expect(searches.map((a) => [a.view, a.pageSize, a.categories])).toEqual([
      ['RECOMMENDED', 50, []],
      ['RECOMMENDED', 50, []],
      ['RECOMMENDED', 50, []],
      ['RECOMMENDED', 1, []],
      ['POPULAR', 50, []],
      ['TRENDING', 50, []],
      ['NEW', 50, []],
    ]);
  });

  test('subscribe, unsubscribe (local models deleted unless told otherwise); not for the owner', async () => {
    const { id } = await sim.addChannel({ name: 'Follow me', subscribers: 10 });
    expect(await client.subscribeToChannel(id)).toBe(true);
    expect(await sim.channel(id)).toMatchObject({ role: 'subscriber', subscribers: 11 });
    expect(ids(await client.getChannels())).toContain(id);

    expect(await client.unsubscribeFromChannel(id)).toBe(true);
    expect(await sim.channel(id)).toMatchObject({ role: null, subscribers: 10 });
    expect(ids(await client.getChannels())).not.toContain(id);

    expect(await client.subscribeToChannel(id)).toBe(true);
    expect(await client.unsubscribeFromChannel(id, { deleteLocalModels: false })).toBe(true);
    expect(await sim.channel(id)).toMatchObject({ role: 'guest', subscribers: 10 });

    expect(await client.subscribeToChannel(simChannelId(0))).toBe(false); // we own it
    expect(await client.unsubscribeFromChannel('120363889999999999@newsletter')).toBe(false);
  });

  test('a post in a followed channel is a message event; mute and unmute', async () => {
    const { id } = await sim.addChannel({ name: 'Live', role: 'subscriber' });
    const arrived = nextEvent<[Message]>(client, 'message', (m) => m.from === id);
    const postId = await sim.channelPost({ channel: id, body: 'breaking' });
    const [message] = await arrived;
    expect({ id: message.id._serialized, body: message.body, fromMe: message.fromMe }).toEqual({
      id: postId,
      body: 'breaking',
      fromMe: false,
    });

    const channel = await channelById(id);
    expect(await channel.mute()).toBe(true);
    expect((await sim.channel(id))?.muted).toBe(true);
    expect((await channelById(id)).isMuted).toBe(true);
    expect(await channel.unmute()).toBe(true);
    expect((await sim.channel(id))?.muted).toBe(false);
  });

  test('create a channel and delete it; a followed one cannot be deleted', async () => {
    const created = (await client.createChannel('Made here', { description: 'by the test' })) as {
      nid: { _serialized: string };
      inviteLink: string;
    };
    const id = created.nid._serialized;
    const inSim = await sim.channel(id);
    expect(inSim).toMatchObject({ name: 'Made here', description: 'by the test', role: 'owner' });
    expect(created.inviteLink).toBe(`https://whatsapp.com/channel/${inSim?.inviteCode}`);
    expect(await client.deleteChannel(id)).toBe(true);
    expect(await sim.channel(id)).toBeNull();
    expect(await client.deleteChannel(simChannelId(1))).toBe(false);
  });

  test('the library asked for nothing the simulator lacks', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});
