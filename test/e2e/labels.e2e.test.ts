/**
 * Every label route over the real stack, on a WhatsApp Business account in the simulator:
 * reading, creating, editing and deleting (through WhatsApp Web's label editor), a chat's
 * labels and a label's chats — each checked in the simulator's own state. Then a personal
 * account, which has no labels. One WORKING session per account.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { simContactId, simGroupId } from '../sim/index';
import { call, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const ANA = simContactId(0);
const BEN = simContactId(1);
const CARLA = simContactId(2);

describe('a WhatsApp Business account', () => {
  const S = 'biz';
  let world: E2eWorld;
  let svc: RunningService;
  let sim: SimControl;
  beforeAll(async () => {
    world = new E2eWorld({ business: true });
    svc = await world.start();
    sim = await workingSession(world, svc, S);
  }, 90_000);
  afterAll(async () => {
    await call(svc, 'DELETE', `/api/sessions/${S}`);
    await world.dispose();
  });
  const api = (method: string, path: string, body?: unknown) => call(svc, method, `/api/${S}/labels${path}`, body);

  test("the seeded labels with their palette colours, a chat's labels, a label's chats", async () => {
    const all = await api('GET', '');
    expect(all.status).toBe(200);
    expect(all.json.slice(0, 5)).toEqual([
      { id: '1', name: 'New customer', color: 0, colorHex: '#ff9485' },
      { id: '2', name: 'New order', color: 1, colorHex: '#64c4ff' },
      { id: '3', name: 'Pending payment', color: 2, colorHex: '#ffd429' },
      { id: '4', name: 'Paid', color: 3, colorHex: '#dfaef0' },
      { id: '5', name: 'Order complete', color: 4, colorHex: '#99b6c1' },
    ]);
    expect(all.json.map((l: any) => [l.id, l.color])).toEqual((await sim.labels()).map((l) => [l.id, l.color]));
    expect((await api('GET', `/chats/${BEN}`)).json.map((l: any) => l.id)).toEqual(['1', '2']);
    expect((await api('GET', `/chats/${simGroupId(0)}`)).json.map((l: any) => l.name)).toEqual(['Paid']);
    expect((await api('GET', '/1/chats')).json.map((c: any) => c.id._serialized)).toEqual([ANA, BEN]);
    expect((await api('GET', '/999/chats')).status).toBe(404);
    expect((await api('GET', '/chats/15559999990@c.us')).json).toEqual([]); // WhatsApp Web opens a chat for any user id
  });

  test('create (by colorHex or color), update, delete: the phone has each change', async () => {
    const created = await api('POST', '', { name: 'Lead', colorHex: '#f74848' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'Lead', color: 13, colorHex: '#f74848' });
    const id: string = created.json.id;
    expect((await sim.labels()).find((l) => l.id === id)).toMatchObject({ name: 'Lead', color: 13 });

    const updated = await api('PUT', `/${id}`, { name: 'Hot lead', color: 5 });
    expect(updated).toEqual({ status: 200, json: { id, name: 'Hot lead', color: 5, colorHex: '#55ccb3' } });
    expect((await sim.labels()).find((l) => l.id === id)).toMatchObject({ name: 'Hot lead', color: 5 });
    // The same name again is fine for the label itself; for another label it is taken.
    expect((await api('PUT', `/${id}`, { name: 'Hot lead', color: 6 })).status).toBe(200);
    const taken = await api('POST', '', { name: 'Hot lead', color: 1 });
    expect(taken.status).toBe(422);
    expect(taken.json.message).toContain(`id: ${id}`);

    expect(await api('DELETE', `/${id}`)).toEqual({ status: 200, json: { result: true } });
    expect((await sim.labels()).map((l) => l.id)).not.toContain(id);
    expect((await api('DELETE', `/${id}`)).status).toBe(404);
    expect((await api('PUT', `/${id}`, { name: 'gone', color: 1 })).status).toBe(404);
  });

  test("a chat's labels set to exactly the ones given; an unknown label id is a 404", async () => {
    await sim.receive({ from: CARLA, body: 'a chat to label' });
    expect((await api('PUT', `/chats/${CARLA}`, { labels: [{ id: '2' }, { id: '3' }] })).status).toBe(200);
    expect(await sim.chatLabels(CARLA)).toEqual(['2', '3']);
    expect((await api('PUT', `/chats/${CARLA}`, { labels: [{ id: '3' }] })).status).toBe(200);
    expect(await sim.chatLabels(CARLA)).toEqual(['3']);
    expect((await api('GET', '/3/chats')).json.map((c: any) => c.id._serialized)).toContain(CARLA);
    const unknown = await api('PUT', `/chats/${CARLA}`, { labels: [{ id: '3' }, { id: '77' }] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toContain("'77'");
    expect(await sim.chatLabels(CARLA)).toEqual(['3']);
    expect((await api('PUT', `/chats/${CARLA}`, { labels: [] })).status).toBe(200);
    expect(await sim.chatLabels(CARLA)).toEqual([]);
  });

  test("bad input is a 400 naming the field; WAHA's colour rules are 422s", async () => {
    const hex = await api('POST', '', { name: 'x', colorHex: '#123456' });
    expect(hex.status).toBe(400);
    expect(hex.json.details.field).toBe('colorHex');
    expect((await api('POST', '', { name: '', color: 1 })).json.details.field).toBe('name');
    expect((await api('PUT', `/chats/${ANA}`, { labels: [{ id: 'no spaces' }] })).json.details.field).toBe('labels.0.id');
    expect((await api('POST', '', { name: 'both', color: 1, colorHex: '#64c4ff' })).status).toBe(422);
    expect((await api('POST', '', { name: 'neither' })).status).toBe(422);
  });

  test('the simulator saw nothing the library lacked', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});

describe('a personal account', () => {
  const S = 'personal';
  let world: E2eWorld;
  let svc: RunningService;
  beforeAll(async () => {
    world = new E2eWorld();
    svc = await world.start();
    await workingSession(world, svc, S);
  }, 90_000);
  afterAll(async () => {
    await call(svc, 'DELETE', `/api/sessions/${S}`);
    await world.dispose();
  });

  test('has no labels; editing them or putting them on a chat is a 422 saying why', async () => {
    expect(await call(svc, 'GET', `/api/${S}/labels`)).toEqual({ status: 200, json: [] });
    const create = await call(svc, 'POST', `/api/${S}/labels`, { name: 'Lead', color: 0 });
    expect(create.status).toBe(422);
    expect(create.json.message).toContain('WhatsApp Business');
    expect((await call(svc, 'PUT', `/api/${S}/labels/chats/${ANA}`, { labels: [] })).status).toBe(422);
  });
});
