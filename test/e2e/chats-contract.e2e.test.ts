/**
 * The chat routes as WAHA's clients use them (its dashboard first): the overview, one message,
 * reading a chat, history with WAHA's paging, sorting and filters, and the lists' paging — over
 * the real stack, each test on a session of its own, with the effect checked in the simulator.
 * The account has 120 messages per chat, of which WhatsApp Web holds the latest 50 loaded, so
 * paging past them makes the page load older history as WhatsApp Web does.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { DEFAULT_ME, simContactId, simGroupId, simLid } from '../sim/index';
import { call, PNG_1X1, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld, http } from '../support/world';

const PER_CHAT = 120;
/** A test starts a browser of its own: a few seconds on a loaded machine. */
const TEST_MS = 60_000;
const ME = `${DEFAULT_ME.number}@c.us`;
const [ANA, BEN, CARLA] = [simContactId(0), simContactId(1), simContactId(2)];
const GROUP = simGroupId(0);

let world: E2eWorld;
let svc: RunningService;
const opened: string[] = [];

beforeAll(async () => {
  world = new E2eWorld({ account: { contacts: 6, chats: 4, groups: 1, messagesPerChat: PER_CHAT, channels: 0 } });
  svc = await world.start();
}, 60_000);
afterEach(async () => {
  for (const name of opened.splice(0)) await call(svc, 'DELETE', `/api/sessions/${name}`);
});
afterAll(async () => {
  await world.dispose();
});

let serial = 0;
/** A WORKING session of this test's own (deleted after it). */
async function session(): Promise<{ s: string; sim: SimControl; get: (path: string) => ReturnType<typeof call> }> {
  const s = `chats${++serial}`;
  opened.push(s);
  const sim = await workingSession(world, svc, s);
  return { s, sim, get: (path: string) => call(svc, 'GET', `/api/${s}${path}`) };
}

const ids = (list: { id: unknown }[]) => list.map((x) => (typeof x.id === 'string' ? x.id : (x.id as { _serialized: string })._serialized));

describe('GET and POST /api/{session}/chats/overview', () => {
  test(
    "the most recently active chats first, WAHA's ChatSummary, pictures, paging, ids",
    async () => {
      const { s, sim, get } = await session();
      await sim.setProfilePic(BEN, 'https://pps.example.invalid/ben.jpg');
      await sim.setProfilePic(CARLA, null);
      // CARLA's chat becomes the most recent, then BEN's above it.
      await sim.receive({ from: CARLA, body: 'second newest' });
      const newest = await sim.receive({ from: BEN, body: 'the newest' });

      const first = await get('/chats/overview?limit=2');
      expect(first.status).toBe(200);
      expect(ids(first.json)).toEqual([BEN, CARLA]);
      expect(first.json[0]).toEqual({
        id: BEN,
        name: expect.any(String),
        picture: 'https://pps.example.invalid/ben.jpg',
        lastMessage: expect.objectContaining({ id: newest, body: 'the newest', fromMe: false, ackName: expect.any(String) }),
        _chat: expect.objectContaining({ id: expect.objectContaining({ _serialized: BEN }), unreadCount: expect.any(Number) }),
      });
      expect(first.json[1].picture).toBeNull();

      // The next page continues where the first ended; together they are the default page of 20.
      const next = await get('/chats/overview?limit=2&offset=2');
      const all = await get('/chats/overview');
      expect(ids(all.json).slice(0, 4)).toEqual([...ids(first.json), ...ids(next.json)]);
      const times = all.json.map((c: any) => c._chat.timestamp);
      expect(times).toEqual([...times].sort((a: number, b: number) => b - a));

      // Pictures are asked of WhatsApp once a day per chat: a change on the phone shows tomorrow.
      await sim.setProfilePic(BEN, 'https://pps.example.invalid/ben-new.jpg');
      expect((await get('/chats/overview?limit=1')).json[0].picture).toBe('https://pps.example.invalid/ben.jpg');

      // ids narrows it to those chats (a bare phone number is a chat id), still newest first.
      const some = await get(`/chats/overview?ids=${ANA}&ids=${encodeURIComponent(`+${CARLA.split('@')[0]}`)}`);
      expect(ids(some.json)).toEqual([CARLA, ANA]);
      const one = await get(`/chats/overview?ids=${GROUP}`);
      expect(ids(one.json)).toEqual([GROUP]);

      const posted = await call(svc, 'POST', `/api/${s}/chats/overview`, { pagination: { limit: 2 }, filter: { ids: [ANA, CARLA] } });
      expect(posted.status).toBe(201);
      expect(ids(posted.json)).toEqual([CARLA, ANA]);
      expect((await call(svc, 'POST', `/api/${s}/chats/overview`, { pagination: { limit: 2, offset: 2 } })).json).toEqual(next.json);

      expect((await get('/chats/overview?limit=0')).json.message).toContain('limit must be');
      expect((await get('/chats/overview?ids=abc')).json.message).toContain('ids');
      expect((await call(svc, 'POST', `/api/${s}/chats/overview`, { filter: {} })).json.message).toContain("'pagination'");
    },
    TEST_MS,
  );
});

describe('GET /api/{session}/chats/{chatId}/messages/{messageId}', () => {
  test(
    'one message in WAHA shape, its media stored and linked, receipts for a group; 404 for an unknown id',
    async () => {
      const { s, sim, get } = await session();
      const id = await sim.receive({
        from: ANA,
        body: '',
        media: { mimetype: 'image/png', data: PNG_1X1.toString('base64'), filename: 'dot.png' },
      });
      const res = await get(`/chats/${ANA}/messages/${id}`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        id,
        from: ANA,
        fromMe: false,
        hasMedia: true,
        media: { mimetype: 'image/png', filename: 'dot.png' },
      });
      expect(res.json.media.url).toContain(`/api/files/${s}/`);
      expect(res.json.mediaUrl).toBe(res.json.media.url);
      const file = await http(svc, 'GET', new URL(res.json.media.url).pathname);
      expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG_1X1);

      const bare = await get(`/chats/${ANA}/messages/${id}?downloadMedia=false`);
      expect(bare.json.media).toEqual({ url: null, mimetype: 'image/png', filename: 'dot.png' });

      const inGroup = await sim.receive({ from: GROUP, author: BEN, body: 'to the group' });
      const grouped = await get(`/chats/${GROUP}/messages/${inGroup}`);
      expect(grouped.json).toMatchObject({ id: inGroup, participant: BEN, author: BEN, body: 'to the group' });
      expect(grouped.json._data).toHaveProperty('receipts');

      const unknown = await get(`/chats/${ANA}/messages/false_${ANA}_3A0000000000000000FF`);
      expect(unknown.status).toBe(404);
      expect(unknown.json.message).toContain('not found');
      expect((await get(`/chats/${ANA}/messages/nope`)).json.message).toContain("'messageId'");
    },
    TEST_MS,
  );
});

describe('POST /api/{session}/chats/{chatId}/messages/read', () => {
  test(
    'marks the chat read in WhatsApp Web; answers {ids: null} as WAHA does',
    async () => {
      const { s, sim } = await session();
      await sim.receive({ from: CARLA, body: 'one' });
      await sim.receive({ from: CARLA, body: 'two' });
      expect((await sim.chatState(CARLA)).unreadCount).toBeGreaterThanOrEqual(2);
      await sim.clearLogs();

      const res = await call(svc, 'POST', `/api/${s}/chats/${CARLA}/messages/read?messages=30&days=7`);
      expect(res).toEqual({ status: 201, json: { ids: null } });
      expect((await sim.chatState(CARLA)).unreadCount).toBe(0);
      expect((await sim.actions()).filter((a) => a.kind === 'seen').map((a) => a.chatId)).toEqual([CARLA]);

      // No query at all is fine too (WAHA's defaults); a bad count is a 400 naming it.
      expect((await call(svc, 'POST', `/api/${s}/chats/${CARLA}/messages/read`)).status).toBe(201);
      expect((await call(svc, 'POST', `/api/${s}/chats/${CARLA}/messages/read?messages=lots`)).json.message).toContain('messages must be');
    },
    TEST_MS,
  );
});

describe('GET /api/{session}/chats/{chatId}/messages', () => {
  test(
    '10 newest first by default; offset is the next page, also past what WhatsApp Web had loaded',
    async () => {
      const { get } = await session();
      const first = await get(`/chats/${BEN}/messages?downloadMedia=false`);
      expect(first.status).toBe(200);
      expect(first.json).toHaveLength(10);
      const times = first.json.map((m: any) => m.timestamp);
      expect(times).toEqual([...times].sort((a: number, b: number) => b - a));

      const second = await get(`/chats/${BEN}/messages?limit=10&offset=10&downloadMedia=false`);
      expect(second.json).toHaveLength(10);
      expect(second.json[0].timestamp).toBeLessThan(first.json.at(-1).timestamp);
      expect(ids(second.json).filter((id) => ids(first.json).includes(id))).toEqual([]);

      // Pages beyond the 50 loaded ones: the page loads older history, and the pages still join up.
      const everything = await get(`/chats/${BEN}/messages?limit=${PER_CHAT}&downloadMedia=false`);
      expect(everything.json).toHaveLength(PER_CHAT);
      const deep = await get(`/chats/${BEN}/messages?limit=15&offset=75&downloadMedia=false`);
      expect(ids(deep.json)).toEqual(ids(everything.json).slice(75, 90));
      expect((await get(`/chats/${BEN}/messages?limit=10&offset=${PER_CHAT}&downloadMedia=false`)).json).toEqual([]);

      // The dashboard's own query; asc gives the same page oldest first.
      const dash = await get(`/chats/${BEN}/messages?sortBy=messageTimestamp&sortOrder=desc&limit=5&offset=5&downloadMedia=false`);
      expect(ids(dash.json)).toEqual(ids(first.json).slice(5, 10));
      const asc = await get(`/chats/${BEN}/messages?sortBy=timestamp&sortOrder=asc&limit=5&offset=5&downloadMedia=false`);
      expect(ids(asc.json)).toEqual(ids(first.json).slice(5, 10).reverse());
    },
    TEST_MS,
  );

  test(
    'filter.fromMe, filter.timestamp.gte / lte and filter.ack, as WAHA filters them',
    async () => {
      const { s, sim, get } = await session();
      // Days before the seeded history (its 120 messages span three hours before pairing).
      const base = Math.floor(Date.now() / 1000) - 3 * 86400;
      const early = await sim.receive({ from: ANA, body: 'early', t: base });
      const mid = await sim.receive({ from: ANA, body: 'mid', t: base + 60 });
      const late = await sim.receive({ from: ANA, body: 'late', t: base + 120 });
      const sent = await call(svc, 'POST', '/api/sendText', { session: s, chatId: ANA, text: 'mine' });
      const mine = sent.json.id._serialized;
      await sim.waitForOutbox({ id: mine });
      await sim.ack(mine, 3);

      const window = await get(`/chats/${ANA}/messages?filter.timestamp.gte=${base}&filter.timestamp.lte=${base + 60}&downloadMedia=false`);
      expect(ids(window.json)).toEqual([mid, early]);
      const theirs = await get(
        `/chats/${ANA}/messages?filter.fromMe=false&filter.timestamp.gte=${base}&filter.timestamp.lte=${base + 120}&downloadMedia=false`,
      );
      expect(ids(theirs.json)).toEqual([late, mid, early]);
      const ours = await get(`/chats/${ANA}/messages?filter.fromMe=true&limit=1&downloadMedia=false`);
      expect(ids(ours.json)).toEqual([mine]);
      const read = await get(`/chats/${ANA}/messages?filter.ack=READ&filter.fromMe=true&limit=1&downloadMedia=false`);
      expect(ids(read.json)).toEqual([mine]);
      expect(read.json[0]).toMatchObject({ ack: 3, ackName: 'READ', fromMe: true, source: 'api' });

      expect((await get(`/chats/${ANA}/messages?filter.ack=SEEN`)).json.message).toContain("'filter.ack'");
      expect((await get(`/chats/${ANA}/messages?sortBy=name`)).json.message).toContain("'sortBy'");
    },
    TEST_MS,
  );

  test(
    'merge: the LID chat and the phone-number chat of one person are one history (and one chat in the lists)',
    async () => {
      const { sim, get } = await session();
      // ANA's LID is known to WhatsApp Web from the start (even-index contacts): a message from it opens a LID chat.
      const viaLid = await sim.receive({ from: simLid(ANA), body: 'from my LID' });
      const merged = await get(`/chats/${ANA}/messages?limit=3&downloadMedia=false`);
      expect(ids(merged.json)[0]).toBe(viaLid);
      const apart = await get(`/chats/${ANA}/messages?limit=3&merge=false&downloadMedia=false`);
      expect(ids(apart.json)).not.toContain(viaLid);

      const chats = await get('/chats?sortBy=conversationTimestamp&sortOrder=desc');
      expect(ids(chats.json)[0]).toBe(ANA);
      expect(ids(chats.json)).not.toContain(simLid(ANA));
      expect(chats.json[0].lastMessage.id._serialized).toBe(viaLid);
      const unmerged = await get('/chats?sortBy=conversationTimestamp&sortOrder=desc&merge=false');
      expect(ids(unmerged.json)[0]).toBe(simLid(ANA));
      const overview = await get('/chats/overview?limit=1');
      expect(overview.json[0]).toMatchObject({ id: ANA, lastMessage: { id: viaLid } });
    },
    TEST_MS,
  );
});

describe('lists: limit, offset, sortBy, sortOrder', () => {
  test(
    'chats, contacts/all and groups page and sort as WAHA does',
    async () => {
      const { s, get } = await session();
      const byId = await get('/chats?sortBy=id');
      const all = ids(byId.json);
      expect(all).toEqual([...all].sort());
      expect(ids((await get('/chats?sortBy=id&sortOrder=desc&limit=2&offset=1')).json)).toEqual([...all].reverse().slice(1, 3));

      const contacts = (q: string) => call(svc, 'GET', `/api/contacts/all?session=${s}${q}`);
      const everyone = await contacts('');
      expect(everyone.status).toBe(200);
      expect(everyone.json.every((c: any) => typeof c.id === 'string')).toBe(true);
      const byName = await contacts('&sortBy=name');
      const names = byName.json.filter((c: any) => c.name).map((c: any) => c.name.toLowerCase());
      expect(names).toEqual([...names].sort());
      const page = await contacts('&sortBy=id&sortOrder=desc&limit=2&offset=1');
      const contactIds = everyone.json
        .map((c: any) => c.id)
        .sort()
        .reverse();
      expect(page.json.map((c: any) => c.id)).toEqual(contactIds.slice(1, 3));
      expect((await call(svc, 'GET', `/api/contacts?session=${s}&contactId=${ANA}`)).json.id).toBe(ANA);
      expect((await contacts('&sortBy=age')).json.message).toContain("'sortBy'");

      const groups = await get('/groups?sortBy=subject&sortOrder=desc&limit=1&offset=0&exclude=participants');
      expect(groups.json).toHaveLength(1);
      expect(groups.json[0].groupMetadata.participants).toBeUndefined();
      expect(ids((await get('/groups?limit=1&offset=1')).json)).toEqual([]);
      expect(ME).toContain('@c.us');
    },
    TEST_MS,
  );
});
