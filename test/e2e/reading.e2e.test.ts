/**
 * Reading routes (chats, history, contacts, numbers, profile pictures, groups) and the WebSocket
 * over the real stack: one WORKING session in real Chromium on the simulator's small account.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { simContactId, simGroupId } from '../sim/index';
import { call, WsClient, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const S = 'read';
const PEER = simContactId(1);
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
let receiver: Receiver;

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver();
  svc = await world.start();
  sim = await workingSession(world, svc, S, { webhooks: [{ url: receiver.url, events: ['message', 'message.any', 'message.reaction'] }] });
}, 60_000);
afterAll(async () => {
  await receiver.stop();
  await world.dispose();
});

const get = (path: string) => call(svc, 'GET', path);

describe('chats and history', () => {
  test('GET chats with limit, offset and sort', async () => {
    const all = await get(`/api/${S}/chats?sortBy=id&sortOrder=asc`);
    expect(all.status).toBe(200);
    const ids = all.json.map((c: any) => c.id._serialized);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids).toEqual([...ids].sort());
    expect(all.json[0].id).toMatchObject({ server: expect.any(String), user: expect.any(String) });
    const page = await get(`/api/${S}/chats?sortBy=id&sortOrder=asc&limit=2&offset=1`);
    expect(page.json.map((c: any) => c.id._serialized)).toEqual(ids.slice(1, 3));
    const desc = await get(`/api/${S}/chats?sortBy=id&sortOrder=desc&limit=1`);
    expect(desc.json[0].id._serialized).toBe(ids.at(-1));
    expect(all.json.some((c: any) => c.isGroup)).toBe(true);
  });

  test("chat messages in WAHA's message shape, with a message the API sent", async () => {
    const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: PEER, text: 'in the history' });
    await sim.waitForOutbox({ id: sent.json.id._serialized });
    const res = await get(`/api/${S}/chats/${PEER}/messages?limit=20&downloadMedia=false`);
    expect(res.status).toBe(200);
    const last = res.json[0]; // newest first, as WAHA answers
    expect(last.id).toBe(`true_${PEER}_${sent.json.id.id}`);
    expect(last).toMatchObject({ fromMe: true, body: 'in the history', source: 'api', to: PEER, hasMedia: false, media: null });
    expect(['PENDING', 'SERVER', 'DEVICE', 'READ']).toContain(last.ackName);
    for (const m of res.json) expect(m.id).toMatch(/^(true|false)_\d+@c\.us_/);
    expect(res.json.length).toBeLessThanOrEqual(20);
  });
});

describe('contacts', () => {
  test('contacts/all and one contact by id', async () => {
    const all = await get(`/api/contacts/all?session=${S}`);
    expect(all.status).toBe(200);
    expect(all.json.map((c: any) => c.id)).toContain(PEER); // WAHA answers contact ids as strings
    const one = await get(`/api/contacts?session=${S}&contactId=${PEER}`);
    expect(one.status).toBe(200);
    expect(one.json.id).toBe(PEER);
  });

  test('check-exists: a registered number and one that is not', async () => {
    const number = PEER.split('@')[0];
    expect(await get(`/api/contacts/check-exists?session=${S}&phone=${number}`)).toEqual({
      status: 200,
      json: { numberExists: true, chatId: PEER },
    });
    await sim.setRegistered('15559999999@c.us', false);
    expect(await get(`/api/contacts/check-exists?session=${S}&phone=15559999999`)).toEqual({ status: 200, json: { numberExists: false } });
  });

  test('profile-picture: a URL when set, null when hidden', async () => {
    await sim.setProfilePic(PEER, 'https://pps.example.invalid/p.jpg');
    expect((await get(`/api/contacts/profile-picture?session=${S}&contactId=${PEER}`)).json).toEqual({
      profilePictureURL: 'https://pps.example.invalid/p.jpg',
    });
    await sim.setProfilePic(PEER, null);
    expect((await get(`/api/contacts/profile-picture?session=${S}&contactId=${PEER}`)).json).toEqual({ profilePictureURL: null });
  });
});

describe('groups', () => {
  test('list, create, get, add and remove participants', async () => {
    const list = await get(`/api/${S}/groups`);
    expect(list.status).toBe(200);
    expect(list.json.map((g: any) => g.id._serialized)).toContain(simGroupId(0));

    const created = await call(svc, 'POST', `/api/${S}/groups`, {
      name: 'E2E team',
      participants: [{ id: simContactId(1) }, { id: simContactId(2) }],
    });
    expect(created.status).toBe(201);
    const gid: string = created.json.id;
    expect(gid).toEndWith('@g.us');
    const group = await get(`/api/${S}/groups/${gid}`);
    expect(group.status).toBe(200);
    expect(group.json.name).toBe('E2E team');
    const members = () => get(`/api/${S}/groups/${gid}`).then((r) => r.json.participants.map((p: any) => p.id._serialized));
    expect(await members()).toEqual(expect.arrayContaining([simContactId(1), simContactId(2)]));

    expect((await call(svc, 'POST', `/api/${S}/groups/${gid}/participants/add`, { participants: [{ id: simContactId(3) }] })).status).toBe(
      200,
    );
    expect(await members()).toContain(simContactId(3));
    expect(
      (await call(svc, 'POST', `/api/${S}/groups/${gid}/participants/remove`, { participants: [{ id: simContactId(1) }] })).status,
    ).toBe(200);
    expect(await members()).not.toContain(simContactId(1));
    expect((await get(`/api/${S}/groups/120363000000000001@g.us`)).status).toBe(404);
  });
});

describe('WebSocket', () => {
  test('a /ws client gets the same envelopes as the webhook', async () => {
    const ws = new WsClient(svc, `session=${S}&events=message,message.reaction`);
    try {
      await ws.opened;
      const before = receiver.arrivals.length;
      const id = await sim.receive({ from: PEER, body: 'for ws and webhook' });
      await sim.react(id, '🎉', PEER);
      await ws.until(() => ws.envelopes.some((e) => e.event === 'message.reaction'), 'reaction over ws');
      await receiver.until(() => receiver.arrivals.slice(before).some((a) => a.json.event === 'message.reaction'), 'reaction webhook');
      const hooked = receiver.arrivals
        .slice(before)
        .filter((a) => a.json.event !== 'message.any')
        .map((a) => a.json);
      expect(ws.envelopes).toEqual(hooked);
      expect(ws.envelopes.map((e) => e.event)).toEqual(['message', 'message.reaction']);
    } finally {
      ws.close();
    }
  });
});
