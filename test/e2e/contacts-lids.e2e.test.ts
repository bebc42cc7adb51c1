/**
 * Contacts and LIDs over the real stack: about, block and unblock, one contact, saving to the
 * address book, and the LID ↔ phone-number routes; each test a session of its own, the effect read
 * back from the simulator's page.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { simContactId, simLid } from '../sim/index';
import { call } from '../support/messaging';
import { inSession } from '../support/parity';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

setDefaultTimeout(120_000);
let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterAll(() => world.dispose());

describe('contacts', () => {
  test('about: the default text, one the contact set, null when hidden', () =>
    inSession(world, svc, 'ct-about', async (sim) => {
      const S = 'ct-about';
      const about = (id: string) => call(svc, 'GET', `/api/contacts/about?session=${S}&contactId=${id}`);
      expect(await about(simContactId(0))).toEqual({ status: 200, json: { about: 'Hey there! I am using WhatsApp.' } });
      await sim.setAbout(simContactId(1), 'At the gym');
      expect((await about(simContactId(1))).json).toEqual({ about: 'At the gym' });
      await sim.setAbout(simContactId(2), null);
      expect((await about(simContactId(2))).json).toEqual({ about: null });
    }));

  test('block and unblock: the block list in the page follows', () =>
    inSession(world, svc, 'ct-block', async (sim) => {
      const S = 'ct-block';
      const id = simContactId(3);
      expect(await call(svc, 'POST', '/api/contacts/block', { session: S, contactId: id })).toEqual({
        status: 201,
        json: { success: true },
      });
      expect(await sim.blocked()).toEqual([id]);
      expect((await call(svc, 'GET', `/api/${S}/contacts/${id}`)).json).toMatchObject({ id, isBlocked: true });
      expect(await call(svc, 'POST', '/api/contacts/unblock', { session: S, contactId: id })).toEqual({
        status: 201,
        json: { success: true },
      });
      expect(await sim.blocked()).toEqual([]);
      expect(await sim.contact(id)).toMatchObject({ isBlocked: false });
    }));

  test('one contact by id (id as a string), and saving a number to the address book', () =>
    inSession(world, svc, 'ct-save', async (sim) => {
      const S = 'ct-save';
      const one = await call(svc, 'GET', `/api/${S}/contacts/${simContactId(1)}`);
      expect(one.status).toBe(200);
      expect(one.json).toMatchObject({ id: simContactId(1), isMyContact: true });

      const id = '15550107501@c.us';
      expect(await call(svc, 'PUT', `/api/${S}/contacts/${id}`, { firstName: 'Jane', lastName: 'Doe' })).toEqual({
        status: 200,
        json: { success: true },
      });
      expect(await sim.contact(id)).toMatchObject({ name: 'Jane Doe', shortName: 'Jane', isMyContact: true });
      expect((await sim.actions()).find((a) => a.kind === 'contact-save')).toMatchObject({ syncToAddressbook: true });
      expect((await call(svc, 'PUT', `/api/${S}/contacts/15550107501`, { firstName: 'Janet', lastName: '' })).status).toBe(200);
      expect((await sim.contact(id))?.name).toBe('Janet');
    }));
});

describe('LIDs', () => {
  test('known mappings and their count; a LID and a number looked up, learnt from the server; a number not on WhatsApp', () =>
    inSession(world, svc, 'ct-lids', async (sim) => {
      const S = 'ct-lids';
      const known = simContactId(0); // even index: the page knows its LID from the start
      const learnt = simContactId(1); // odd: learnt when asked
      const page = await sim.lids();
      const all = await call(svc, 'GET', `/api/${S}/lids?limit=1000`);
      expect(all.status).toBe(200);
      expect(all.json).toContainEqual({ lid: simLid(known), pn: known });
      for (const m of all.json) expect(page).toContainEqual(m);
      expect(all.json.map((m: { lid: string }) => m.lid)).toEqual([...all.json.map((m: { lid: string }) => m.lid)].sort());
      expect(all.json.map((m: { pn: string }) => m.pn)).not.toContain(learnt);
      expect(await call(svc, 'GET', `/api/${S}/lids/count`)).toEqual({ status: 200, json: { count: all.json.length } });
      expect((await call(svc, 'GET', `/api/${S}/lids?limit=1&offset=1`)).json).toEqual(all.json.slice(1, 2));

      expect(await call(svc, 'GET', `/api/${S}/lids/pn/${learnt.split('@')[0]}`)).toEqual({
        status: 200,
        json: { lid: simLid(learnt), pn: learnt },
      });
      expect(await sim.lids()).toContainEqual({ lid: simLid(learnt), pn: learnt });
      expect((await call(svc, 'GET', `/api/${S}/lids/count`)).json.count).toBe(all.json.length + 1);

      const stranger = '15550107502@c.us'; // asked by LID, without @lid: the server answers with the number
      expect(await call(svc, 'GET', `/api/${S}/lids/${simLid(stranger).split('@')[0]}`)).toEqual({
        status: 200,
        json: { lid: simLid(stranger), pn: stranger },
      });
      await sim.setRegistered('15550107503@c.us', false);
      expect((await call(svc, 'GET', `/api/${S}/lids/pn/15550107503@c.us`)).json).toEqual({ lid: null, pn: '15550107503@c.us' });
      expect((await call(svc, 'GET', `/api/${S}/lids/pn/${simLid(known)}`)).json).toEqual({ lid: simLid(known), pn: null });
    }));
});

describe('bad input and sessions that are not WORKING', () => {
  test('400 naming the field; 404 unknown session; 422 stopped', async () => {
    expect((await call(svc, 'POST', '/api/sessions', { name: 'ct-stopped', start: false })).status).toBe(201);
    try {
      const id = simContactId(0);
      for (const [method, path, body, field] of [
        ['GET', '/api/contacts/about?session=ct-stopped&contactId=nope', undefined, 'contactId'],
        ['POST', '/api/contacts/block', { session: 'ct-stopped' }, 'contactId'],
        ['POST', '/api/contacts/unblock', { session: 'ct-stopped', contactId: 'x@g.us' }, 'contactId'],
        ['GET', '/api/ct-stopped/contacts/12', undefined, 'id'],
        ['PUT', `/api/ct-stopped/contacts/${id}`, { lastName: 'Doe' }, 'firstName'],
        ['PUT', '/api/ct-stopped/contacts/abc', { firstName: 'J', lastName: 'D' }, 'chatId'],
        ['GET', '/api/ct-stopped/lids?limit=0', undefined, 'limit'],
        ['GET', '/api/ct-stopped/lids/abc@lid', undefined, 'lid'],
        ['GET', '/api/ct-stopped/lids/pn/abc', undefined, 'phoneNumber'],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(JSON.stringify(res.json), `${method} ${path}`).toContain(field);
      }
      for (const [method, path, body] of [
        ['GET', `/api/contacts/about?session=ct-stopped&contactId=${id}`],
        ['POST', '/api/contacts/block', { session: 'ct-stopped', contactId: id }],
        ['POST', '/api/contacts/unblock', { session: 'ct-stopped', contactId: id }],
        ['GET', `/api/ct-stopped/contacts/${id}`],
        ['PUT', `/api/ct-stopped/contacts/${id}`, { firstName: 'J', lastName: 'D' }],
        ['GET', '/api/ct-stopped/lids'],
        ['GET', '/api/ct-stopped/lids/count'],
        ['GET', `/api/ct-stopped/lids/${simLid(id)}`],
        ['GET', '/api/ct-stopped/lids/pn/15550100000'],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(422);
        const other = JSON.parse(JSON.stringify(body ?? null)?.replace('ct-stopped', 'no-such') ?? 'null') ?? undefined;
        expect((await call(svc, method, path.replace('ct-stopped', 'no-such'), other)).status, `${method} ${path}`).toBe(404);
      }
    } finally {
      await call(svc, 'DELETE', '/api/sessions/ct-stopped');
    }
  });
});
