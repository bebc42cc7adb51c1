/**
 * Presence and my profile over the real stack, each test a session of its own: my presence and
 * chat states reach the page, a contact's presence is read and arrives as presence.update, and
 * my name, about and picture change in the page.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { PNG_1X1 } from '../sim/fixtures';
import { DEFAULT_ME, simContactId, simGroupId } from '../sim/index';
import { call } from '../support/messaging';
import { inSession, nextWaEvent } from '../support/parity';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

setDefaultTimeout(120_000);
const ME = `${DEFAULT_ME.number}@c.us`;
let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterAll(() => world.dispose());

describe('presence', () => {
  test('set: online, typing, recording, paused in a chat, offline — the page receives each', () =>
    inSession(world, svc, 'pr-set', async (sim) => {
      const S = 'pr-set';
      const chat = simContactId(0);
      const set = (body: Record<string, unknown>) => call(svc, 'POST', `/api/${S}/presence`, body);
      expect(await set({ presence: 'online' })).toEqual({ status: 201, json: { success: true } });
      expect((await sim.presences()).presence).toBe('available');
      for (const state of ['typing', 'recording', 'paused'] as const) {
        expect((await set({ presence: state, chatId: chat })).status).toBe(201);
        expect((await sim.presences()).chatstates[chat]?.state).toBe(state);
      }
      expect((await set({ presence: 'offline' })).status).toBe(201);
      expect((await sim.presences()).presence).toBe('unavailable');

      const global = await set({ presence: 'online', chatId: chat });
      expect(global.status).toBe(400);
      expect(global.json.message).toContain("doesn't require 'chatId'");
      const inChat = await set({ presence: 'typing' });
      expect(inChat.status).toBe(400);
      expect(inChat.json.message).toContain("requires 'chatId'");
    }));

  test("a contact's presence: read (subscribing first), then presence.update as it changes; a group's per member", () =>
    inSession(world, svc, 'pr-get', async (sim) => {
      const S = 'pr-get';
      const chat = simContactId(1);
      expect(await sim.presence(chat, { state: 'available' })).toBe(false); // nobody subscribed yet
      const got = await call(svc, 'GET', `/api/${S}/presence/${chat}`);
      expect(got.status).toBe(200);
      expect(got.json).toEqual({ id: chat, presences: [{ participant: chat, lastKnownPresence: 'online', lastSeen: expect.any(Number) }] });
      expect((await sim.presences()).subscribed).toContain(chat);

      const other = simContactId(2);
      expect(await call(svc, 'POST', `/api/${S}/presence/${other}/subscribe`)).toEqual({ status: 201, json: { success: true } });
      expect((await sim.presences()).subscribed).toContain(other);
      const typing = nextWaEvent(svc, S, 'presence.update', (p) => p.id === other && p.presences[0]?.lastKnownPresence === 'typing');
      expect(await sim.presence(other, { state: 'typing' })).toBe(true);
      expect(await typing).toEqual({
        id: other,
        presences: [{ participant: other, lastKnownPresence: 'typing', lastSeen: expect.any(Number) }],
      });
      const away = nextWaEvent(svc, S, 'presence.update', (p) => p.id === other && p.presences[0]?.lastKnownPresence === 'offline');
      await sim.presence(other, { state: 'unavailable', lastSeen: 1_700_000_000 });
      expect((await away).presences[0].lastSeen).toBe(1_700_000_000);

      const group = simGroupId(0);
      expect((await call(svc, 'POST', `/api/${S}/presence/${group}/subscribe`)).status).toBe(201);
      const recording = nextWaEvent(svc, S, 'presence.update', (p) => p.id === group && p.presences[0]?.lastKnownPresence === 'recording');
      await sim.presence(group, { state: 'recording' });
      const member = (await recording).presences[0].participant;
      expect(member).toEndWith('@c.us');
      expect((await call(svc, 'GET', `/api/${S}/presence/${group}`)).json.presences).toContainEqual({
        participant: member,
        lastKnownPresence: 'recording',
        lastSeen: expect.any(Number),
      });

      const all = await call(svc, 'GET', `/api/${S}/presence`);
      expect(all.status).toBe(501);
      expect(all.json.message).toContain('not implemented');
    }));
});

describe('my profile', () => {
  test('read it; set the name and the about text; set and delete the picture — the page holds each', () =>
    inSession(world, svc, 'pf', async (sim) => {
      const S = 'pf';
      const before = await call(svc, 'GET', `/api/${S}/profile`);
      expect(before.status).toBe(200);
      expect(before.json).toEqual({ id: ME, name: DEFAULT_ME.pushName, picture: expect.stringMatching(/^https:\/\/pps\.whatsapp\.net\//) });

      expect(await call(svc, 'PUT', `/api/${S}/profile/name`, { name: 'Renamed Tester' })).toEqual({
        status: 200,
        json: { success: true },
      });
      expect((await sim.profile())?.pushName).toBe('Renamed Tester');
      expect((await call(svc, 'GET', `/api/${S}/profile`)).json.name).toBe('Renamed Tester');

      expect(await call(svc, 'PUT', `/api/${S}/profile/status`, { status: 'On holiday' })).toEqual({
        status: 200,
        json: { success: true },
      });
      expect((await sim.profile())?.about).toBe('On holiday');

      const set = await call(svc, 'PUT', `/api/${S}/profile/picture`, {
        file: { mimetype: 'image/png', filename: 'me.png', data: PNG_1X1 },
      });
      expect(set).toEqual({ status: 200, json: { success: true } });
      const { picture } = (await sim.profile())!;
      expect(picture?.mimetype).toBe('image/jpeg'); // the library redraws it as a JPEG
      expect((await call(svc, 'GET', `/api/${S}/profile`)).json.picture).toBe(picture!.url);

      expect(await call(svc, 'DELETE', `/api/${S}/profile/picture`)).toEqual({ status: 200, json: { success: true } });
      expect((await sim.profile())?.picture).toBeNull();
      expect((await call(svc, 'GET', `/api/${S}/profile`)).json.picture).toBeNull();
    }));
});

describe('bad input and sessions that are not WORKING', () => {
  test('400 naming the field; 404 unknown session; 422 stopped', async () => {
    expect((await call(svc, 'POST', '/api/sessions', { name: 'pr-stopped', start: false })).status).toBe(201);
    try {
      const chat = simContactId(0);
      for (const [method, path, body, field] of [
        ['POST', '/api/pr-stopped/presence', { presence: 'away' }, 'presence'],
        ['POST', '/api/pr-stopped/presence', { presence: 'typing', chatId: 'x' }, 'chatId'],
        ['GET', '/api/pr-stopped/presence/nope', undefined, 'chatId'],
        ['POST', '/api/pr-stopped/presence/nope/subscribe', undefined, 'chatId'],
        ['PUT', '/api/pr-stopped/profile/name', { name: '' }, 'name'],
        ['PUT', '/api/pr-stopped/profile/status', {}, 'status'],
        ['PUT', '/api/pr-stopped/profile/picture', { file: { data: PNG_1X1 } }, 'mimetype'],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(JSON.stringify(res.json), `${method} ${path}`).toContain(field);
      }
      for (const [method, path, body] of [
        ['POST', '/api/pr-stopped/presence', { presence: 'online' }],
        ['GET', '/api/pr-stopped/presence'],
        ['GET', `/api/pr-stopped/presence/${chat}`],
        ['POST', `/api/pr-stopped/presence/${chat}/subscribe`],
        ['GET', '/api/pr-stopped/profile'],
        ['PUT', '/api/pr-stopped/profile/name', { name: 'x' }],
        ['PUT', '/api/pr-stopped/profile/status', { status: 'x' }],
        ['PUT', '/api/pr-stopped/profile/picture', { file: { mimetype: 'image/png', data: PNG_1X1 } }],
        ['DELETE', '/api/pr-stopped/profile/picture'],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(422);
        expect((await call(svc, method, path.replace('pr-stopped', 'no-such'), body)).status, `${method} ${path}`).toBe(404);
      }
    } finally {
      await call(svc, 'DELETE', '/api/sessions/pr-stopped');
    }
  });
});
