/**
 * API keys over the real service with authentication on: keys created, shown once, stored as
 * their SHA-512; a key bound to one session reaches that session's routes (and its WhatsApp: the
 * simulator receives what it sends) and gets a 403 on another's, and /ws carries it only its
 * session's events; media and control keys reach only what they are for. Two WORKING sessions.
 */

import { Database } from 'bun:sqlite';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { STORE_FILE } from '../../src/store/sqlite';
import type { SimControl } from '../sim/control';
import { simContactId } from '../sim/index';
import { call, WsClient, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld, http } from '../support/world';

const ADMIN = 'the-admin-key-of-this-test';
const PEER = simContactId(1);
let world: E2eWorld;
let svc: RunningService;
let alice: SimControl;
let bob: SimControl;

const as = (key: string) => ({ 'x-api-key': key });
const admin = as(ADMIN);
const req = (key: string, method: string, path: string, body?: unknown) => call(svc, method, path, body, as(key));

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: ADMIN });
  alice = await workingSession(world, svc, 'alice', {}, admin);
  bob = await workingSession(world, svc, 'bob', {}, admin);
}, 120_000);
afterAll(async () => {
  for (const s of ['alice', 'bob']) await call(svc, 'DELETE', `/api/sessions/${s}`, undefined, admin);
  await world.dispose();
});

async function newKey(body: Record<string, unknown>, key = ADMIN) {
  const res = await req(key, 'POST', '/api/keys', { isAdmin: false, isActive: true, ...body });
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as { id: string; key: string };
}

describe('managing keys', () => {
  test('created with the key shown once, listed with a hint only, stored as its SHA-512', async () => {
    const created = await req(ADMIN, 'POST', '/api/keys', { isAdmin: false, session: 'alice', isActive: true, actions: null });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^key_id_[0-9A-Za-z]{26}$/),
      key: expect.stringMatching(/^key_[0-9A-Za-z]{32}$/),
      isActive: true,
      isAdmin: false,
      session: 'alice',
      actions: null,
    });
    const { id, key } = created.json;
    const listed = (await req(ADMIN, 'GET', '/api/keys')).json.find((k: any) => k.id === id);
    expect(listed.key).toBe(`${key.slice(0, 8)}…`);
    // The row as stored, read from the service's SQLite file beside it.
    const db = new Database(join(svc.service.config.WAHA_LOCAL_STORE_BASE_DIR, STORE_FILE), { readonly: true });
    const rows = db.query('SELECT * FROM api_keys WHERE id = ?').all(id) as Record<string, unknown>[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.hash as Uint8Array).equals(createHash('sha512').update(key).digest())).toBe(true);
    expect(JSON.stringify(rows[0], (_, v) => (v instanceof Uint8Array ? '<bytes>' : v))).not.toContain(key.slice(8));
  });

  test("WAHA's rules are 422s, bad input a 400 naming the field, an unknown key a 404", async () => {
    expect((await req(ADMIN, 'POST', '/api/keys', { isAdmin: true, session: 'alice', isActive: true })).status).toBe(422);
    expect((await req(ADMIN, 'POST', '/api/keys', { isAdmin: false, session: null, isActive: true })).status).toBe(422);
    const missing = await req(ADMIN, 'POST', '/api/keys', { isAdmin: false, session: 'nobody-here', isActive: true });
    expect(missing.status).toBe(422);
    expect(missing.json.message).toContain('nobody-here');
    const bad = await req(ADMIN, 'POST', '/api/keys', { isAdmin: 'yes', session: 'alice', isActive: true });
    expect(bad.status).toBe(400);
    expect(bad.json.details.field).toBe('isAdmin');
    expect((await req(ADMIN, 'DELETE', '/api/keys/key_id_00000000000000000000000000')).status).toBe(404);
  });

  test('deactivated it is a 401; updated it keeps the key; deleted it is a 401 again', async () => {
    const { id, key } = await newKey({ session: 'alice' });
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(200);
    const off = await req(ADMIN, 'PUT', `/api/keys/${id}`, { isAdmin: false, session: 'alice', isActive: false });
    expect(off.json).toMatchObject({ id, isActive: false, key: `${key.slice(0, 8)}…` });
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(401);
    await req(ADMIN, 'PUT', `/api/keys/${id}`, { isAdmin: false, session: 'bob', isActive: true });
    expect((await req(key, 'GET', '/api/bob/chats?limit=1')).status).toBe(200);
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(403);
    expect(await req(ADMIN, 'DELETE', `/api/keys/${id}`)).toEqual({ status: 200, json: { result: true } });
    expect((await req(key, 'GET', '/api/bob/chats?limit=1')).status).toBe(401);
  });

  test('a stored admin key manages keys; no key at all is a 401', async () => {
    const { key } = await newKey({ isAdmin: true, session: null });
    expect((await req(key, 'GET', '/api/keys')).status).toBe(200);
    expect((await req(key, 'GET', '/api/bob/chats?limit=1')).status).toBe(200);
    expect((await call(svc, 'GET', '/api/keys')).status).toBe(401);
    expect((await req('key_NotAKeyOfThisServer000000000000', 'GET', '/api/keys')).status).toBe(401);
  });
});

describe('a key bound to one session', () => {
  test("200 on its session's routes, and what it sends reaches that session's WhatsApp", async () => {
    const { key } = await newKey({ session: 'alice' });
    expect((await req(key, 'GET', '/api/alice/chats?limit=2')).status).toBe(200);
    expect((await req(key, 'GET', '/api/alice/groups/count')).status).toBe(200);
    expect((await req(key, 'GET', '/api/contacts/all?session=alice')).status).toBe(200);
    expect((await req(key, 'GET', '/api/sessions/alice')).json.name).toBe('alice');
    const sent = await req(key, 'POST', '/api/sendText', { session: 'alice', chatId: PEER, text: 'from a bound key' });
    expect(sent.status).toBe(201);
    expect((await alice.waitForOutbox({ id: sent.json.id._serialized })).body).toBe('from a bound key');
    // The server's own status is no session's secret.
    expect((await req(key, 'GET', '/api/server/version')).status).toBe(200);
    expect((await req(key, 'GET', '/api/sessions')).json.map((s: any) => s.name)).toEqual(['alice']);
  });

  test("403 on another session's routes, wherever the session is named (path, query, body, default)", async () => {
    const { key } = await newKey({ session: 'alice' });
    const before = (await bob.outbox()).length;
    const refused = [
      await req(key, 'GET', '/api/bob/chats?limit=2'),
      await req(key, 'GET', '/api/sessions/bob'),
      await req(key, 'GET', '/api/contacts/all?session=bob'),
      await req(key, 'POST', '/api/sendText', { session: 'bob', chatId: PEER, text: 'not mine' }),
      await req(key, 'POST', '/api/sendText', { chatId: PEER, text: 'the default session is not mine either' }),
      await req(key, 'GET', '/api/screenshot'),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect(refused[0]!.json).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining("session 'alice'") });
    expect((await bob.outbox()).length).toBe(before);
    // Server-wide operations need an admin key.
    expect((await req(key, 'GET', '/api/keys')).status).toBe(403);
    expect((await req(key, 'POST', '/api/sessions', { name: 'carol', start: false })).status).toBe(403);
    expect((await req(key, 'GET', '/api/server/memory')).status).toBe(403);
    // WAHA's default actions leave deleting the session out.
    expect((await req(key, 'DELETE', '/api/sessions/alice')).status).toBe(403);
  });

  test('its actions are enforced: a read-only key reads but does not send', async () => {
    const { key } = await newKey({ session: 'alice', actions: { read: true } });
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(200);
    const send = await req(key, 'POST', '/api/sendText', { session: 'alice', chatId: PEER, text: 'no' });
    expect(send.status).toBe(403);
    expect(send.json.message).toContain("may not 'send'");
  });

  test("/ws carries only its session's events; asking for another session's is a 403", async () => {
    const { key } = await newKey({ session: 'alice' });
    const everything = new WsClient(svc, `session=*&events=message&x-api-key=${ADMIN}`);
    const bound = new WsClient(svc, `session=*&events=*&x-api-key=${key}`);
    try {
      await Promise.all([everything.opened, bound.opened]);
      await bob.receive({ from: PEER, body: 'for bob only' });
      await everything.until(() => everything.envelopes.some((e) => e.session === 'bob'), "bob's message on the admin socket");
      await alice.receive({ from: PEER, body: 'for alice' });
      await bound.until(() => bound.envelopes.some((e) => e.event === 'message' && e.payload.body === 'for alice'), "alice's message");
      await everything.until(() => everything.envelopes.some((e) => e.session === 'alice'), "alice's message on the admin socket");
      expect(bound.envelopes.length).toBeGreaterThan(0);
      expect(bound.envelopes.every((e) => e.session === 'alice')).toBe(true);
      expect(JSON.stringify(bound.envelopes)).not.toContain('for bob only');
    } finally {
      everything.close();
      bound.close();
    }
    const other = await upgrade(`/ws?session=bob&x-api-key=${key}`);
    expect(other.status).toBe(403);
    expect((await upgrade('/ws?session=alice&x-api-key=wrong')).status).toBe(401);
  });
});

describe('media and control keys', () => {
  test("a media key downloads its session's files and nothing else", async () => {
    const { key: bound } = await newKey({ session: 'alice' });
    const media = await req(bound, 'POST', '/api/keys/media', { session: 'alice' });
    expect(media.status).toBe(201);
    expect(media.json).toMatchObject({ session: 'alice', isAdmin: false, actions: { read: false, send: false } });
    const key = media.json.key as string;
    expect((await req(key, 'GET', '/api/files/alice/none.jpg')).status).toBe(404); // past the key check: no such file
    expect((await req(key, 'GET', '/api/files/bob/none.jpg')).status).toBe(403);
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(403);
    expect((await upgrade(`/ws?session=alice&x-api-key=${key}`)).status).toBe(403);
    // A key of alice's cannot make one for bob.
    expect((await req(bound, 'POST', '/api/keys/media', { session: 'bob' })).status).toBe(403);
  });

  test("a control key runs the session's lifecycle and pairing, and reads nothing", async () => {
    const control = await req(ADMIN, 'POST', '/api/keys/control', { session: 'alice' });
    expect(control.status).toBe(201);
    expect(control.json.actions).toEqual({ read: false, send: false, control: true, setting: false, app: false, delete: false });
    const key = control.json.key as string;
    // WORKING, so there is no QR to show: the 422 says the key got through to the session.
    expect((await req(key, 'GET', '/api/alice/auth/qr')).status).toBe(422);
    expect((await req(key, 'GET', '/api/sessions/alice')).status).toBe(200);
    expect((await req(key, 'GET', '/api/alice/chats?limit=1')).status).toBe(403);
    expect((await req(key, 'POST', '/api/sendText', { session: 'alice', chatId: PEER, text: 'no' })).status).toBe(403);
  });
});

/** A WebSocket upgrade request to the service, answered with its status (101, or the refusal). */
async function upgrade(path: string): Promise<Response> {
  const res = await http(svc, 'GET', path, undefined, {
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-version': '13',
    'sec-websocket-key': Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64'),
  });
  await res.body?.cancel();
  return res;
}
