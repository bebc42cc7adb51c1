/**
 * The channel routes WAHA's WEBJS engine serves, over the real stack against the simulator's
 * channel directory: the account's channels, one by id / invite code / link, the posts of one
 * it does not follow, the directory search by view and by text, and the search's lists.
 * One WORKING session for the file; tests that need channels add their own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { DEFAULT_ME, simChannelId } from '../sim/index';
import { call, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const S = 'chan';
const DAY = 86_400;
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
  sim = await workingSession(world, svc, S);
}, 90_000);
afterAll(async () => {
  await call(svc, 'DELETE', `/api/sessions/${S}`);
  await world.dispose();
});

const api = (method: string, path: string, body?: unknown) => call(svc, method, `/api/${S}/channels${path}`, body);
const ids = (list: { id: string }[]) => list.map((c) => c.id);

describe('the account and one channel', () => {
  test("the account's channels with their roles (no guest previews), filtered by role", async () => {
    const preview = await sim.addChannel({ name: 'Only previewed' });
    await api('GET', `/${preview.id}`); // opening it makes WhatsApp Web keep a guest model
    const all = await api('GET', '');
    expect(all.status).toBe(200);
    expect(ids(all.json)).toEqual(expect.arrayContaining([0, 1, 2].map(simChannelId)));
    expect(ids(all.json)).not.toContain(preview.id);
    const own = all.json.find((c: any) => c.id === simChannelId(0));
    const inSim = await sim.channel(simChannelId(0));
    expect(own).toEqual({
      id: simChannelId(0),
      name: `${DEFAULT_ME.pushName}'s channel`,
      description: inSim?.description,
      invite: `https://www.whatsapp.com/channel/${inSim?.inviteCode}`,
      preview: expect.stringMatching(/^https:\/\/pps\.whatsapp\.net\//),
      picture: expect.stringMatching(/^https:\/\/pps\.whatsapp\.net\//),
      verified: inSim?.verified,
      subscribersCount: inSim?.subscribers,
      role: 'OWNER',
    });
    expect(ids((await api('GET', '?role=OWNER')).json)).toEqual([simChannelId(0)]);
    expect((await api('GET', '?role=SUBSCRIBER')).json.every((c: any) => c.role === 'SUBSCRIBER')).toBe(true);
    expect((await api('GET', '?role=GUEST')).status).toBe(400);
  });

  test('one channel by id, invite code or invite link; unknown is a 404', async () => {
    const { id, inviteCode } = await sim.addChannel({ name: 'Findable', description: 'by any key', subscribers: 42, verified: true });
    const byId = await api('GET', `/${id}`);
    expect(byId.json).toMatchObject({
      id,
      name: 'Findable',
      description: 'by any key',
      subscribersCount: 42,
      verified: true,
      role: 'GUEST',
    });
    expect((await api('GET', `/${inviteCode}`)).json.id).toBe(id);
    expect((await api('GET', `/${encodeURIComponent(`https://www.whatsapp.com/channel/${inviteCode}`)}`)).json.id).toBe(id);
    expect((await api('GET', '/0029VaNoSuchChannel00000')).status).toBe(404);
    const bad = await api('GET', '/not%20a%20channel');
    expect(bad.status).toBe(400);
    expect(bad.json.details.field).toBe('id');
  });

  test('the posts of a channel the account does not follow, newest last, in the message shape', async () => {
    const { id, inviteCode } = await sim.addChannel({ name: 'History', posts: 40 });
    const res = await api('GET', `/${inviteCode}/messages/preview?limit=3&downloadMedia=false`);
    expect(res.status).toBe(200);
    expect(res.json.map((p: any) => p.message.body)).toEqual(['History post 38', 'History post 39', 'History post 40']);
    expect(res.json[0]).toMatchObject({ reactions: {}, viewCount: 0, message: { from: id, fromMe: false, hasMedia: false } });
    expect((await api('GET', `/${id}/messages/preview?limit=40&downloadMedia=false`)).json).toHaveLength(40);
    expect((await sim.channel(id))?.role).toBe('guest');
    expect((await api('GET', '/0029VaNoSuchChannel00000/messages/preview?limit=1&downloadMedia=false')).status).toBe(404);
  });
});

describe('the directory search', () => {
  test('by view, in the given countries, ordered as WhatsApp orders the view, cut at the limit', async () => {
    const now = Math.floor(Date.now() / 1000);
    const a = await sim.addChannel({ name: 'Quokka A', country: 'NZ', subscribers: 500, trend: 10, createdAt: now - 3 * DAY });
    const b = await sim.addChannel({ name: 'Quokka B', country: 'NZ', subscribers: 900, trend: 5, createdAt: now - DAY });
    const c = await sim.addChannel({ name: 'Quokka C', country: 'AQ', subscribers: 100, trend: 50, createdAt: now - 2 * DAY });
    const search = (view: string, limit = 50) =>
      api('POST', '/search/by-view', { view, countries: ['NZ', 'AQ'], categories: [], limit, startCursor: '' });
    const popular = await search('POPULAR');
    expect(popular.status).toBe(200);
    expect(ids(popular.json.channels)).toEqual([b.id, a.id, c.id]);
    expect(popular.json.page).toEqual({ startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false });
    expect(popular.json.channels[0]).toMatchObject({
      name: 'Quokka B',
      subscribersCount: 900,
      invite: expect.stringContaining(b.inviteCode),
    });
    expect(popular.json.channels[0].role).toBeUndefined();
    expect(ids((await search('TRENDING')).json.channels)).toEqual([c.id, a.id, b.id]);
    expect(ids((await search('NEW')).json.channels)).toEqual([b.id, c.id, a.id]);
    expect((await search('RECOMMENDED', 1)).json.channels).toHaveLength(1);
    const sent = (await sim.actions()).filter((x) => x.kind === 'channel-search').map((x) => x.view);
    expect(sent.slice(-4)).toEqual(['POPULAR', 'TRENDING', 'NEW', 'RECOMMENDED']);
  });

  test("by text, in the account's country", async () => {
    const here = await sim.addChannel({ name: 'Wombat weekly', country: 'US' });
    await sim.addChannel({ name: 'Wombat abroad', country: 'AU' });
    const found = await api('POST', '/search/by-text', { text: 'wombat', categories: [], limit: 50, startCursor: '' });
    expect(found.status).toBe(200);
    expect(ids(found.json.channels)).toEqual([here.id]);
  });

  test('what the library cannot do is refused, not ignored; bad input is a 400 naming the field', async () => {
    const withCategory = await api('POST', '/search/by-view', {
      view: 'POPULAR',
      countries: ['US'],
      categories: ['NEWS'],
      limit: 5,
      startCursor: '',
    });
    expect(withCategory.status).toBe(422);
    expect(withCategory.json.details).toEqual({ field: 'categories' });
    expect((await api('POST', '/search/by-text', { text: 'x', categories: [], limit: 5, startCursor: 'next' })).status).toBe(422);
    const badView = await api('POST', '/search/by-view', { view: 'LATEST', countries: ['US'], categories: [], limit: 5, startCursor: '' });
    expect(badView.status).toBe(400);
    expect(badView.json.details.field).toBe('view');
    expect((await api('POST', '/search/by-text', { text: '', categories: [], limit: 5, startCursor: '' })).json.details.field).toBe('text');
  });

  test('the lists: views, categories, and the countries WhatsApp Web offers', async () => {
    expect((await api('GET', '/search/views')).json.map((v: any) => v.value)).toEqual(['RECOMMENDED', 'TRENDING', 'POPULAR', 'NEW']);
    expect((await api('GET', '/search/categories')).json.map((v: any) => v.value)).toContain('NEWS');
    const countries = await api('GET', '/search/countries');
    expect(countries.status).toBe(200);
    expect(countries.json).toContainEqual({ code: 'US', name: 'United States' });
    expect(countries.json.length).toBeGreaterThan(100);
  });

  test('the simulator saw nothing the library lacked', async () => {
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });
});
