/**
 * API keys without a browser: the access rules on route patterns, and the key service on a real
 * migrated SQLite store (hashing, showing once, resolving, WAHA's invariants). The same keys are
 * driven end to end, with real sessions, in e2e/api-keys.e2e.test.ts.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionOf, CONTROL_ACTIONS, DEFAULT_ACTIONS, eventScope, type Principal, refusal, sessionOf } from '../src/http/access';
import { ApiKeysService, randomChars, sha512 } from '../src/modules/api-keys/service';
import { openSqliteStore } from '../src/store/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'wabun-keys-'));
const store = openSqliteStore(dir);
const keys = new ApiKeysService(store.apiKeys, (name) => ['alice', 'bob'].includes(name));
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const alice: Principal = { kind: 'session', session: 'alice', actions: DEFAULT_ACTIONS, keyId: 'k' };

describe('access rules', () => {
  test('the session a request names: path, then query, then body; /api/qr is the default session', () => {
    expect(sessionOf({ method: 'GET', route: '/api/:session/chats', params: { session: 'a' }, query: { session: 'b' } })).toBe('a');
    expect(sessionOf({ method: 'GET', route: '/api/contacts/all', query: { session: 'b' } })).toBe('b');
    expect(sessionOf({ method: 'POST', route: '/api/sendText', body: { session: 'c' } })).toBe('c');
    expect(sessionOf({ method: 'GET', route: '/api/qr' })).toBe('default');
    expect(sessionOf({ method: 'GET', route: '/api/server/status' })).toBeNull();
  });

  test('the action each kind of route needs', () => {
    expect(
      [
        ['GET', '/api/:session/chats'],
        ['POST', '/api/sendText'],
        ['PUT', '/api/:session/groups/:id/subject'],
        ['POST', '/api/sessions/:session/restart'],
        ['GET', '/api/:session/auth/qr'],
        ['PUT', '/api/sessions/:session'],
        ['DELETE', '/api/sessions/:session'],
        ['GET', '/api/sessions/:session'],
        ['GET', '/api/apps'],
      ].map(([m, r]) => actionOf(m!, r!)),
    ).toEqual(['read', 'send', 'send', 'control', 'control', 'setting', 'delete', 'retrieve', 'app']);
  });

  test('a session key: its session within its actions, the server status, the MCP endpoint; nothing else', () => {
    const ok = (r: Parameters<typeof refusal>[1], p = alice) => refusal(p, r) === null;
    expect(ok({ method: 'GET', route: '/api/:session/chats', params: { session: 'alice' } })).toBe(true);
    expect(ok({ method: 'GET', route: '/api/:session/chats', params: { session: 'bob' } })).toBe(false);
    expect(ok({ method: 'GET', route: '/api/server/version' })).toBe(true);
    expect(ok({ method: 'POST', route: '/mcp' })).toBe(true);
    expect(ok({ method: 'GET', route: '/metrics' })).toBe(false);
    expect(ok({ method: 'GET', route: '/api/keys' })).toBe(false);
    expect(ok({ method: 'POST', route: '/api/keys/media', body: { session: 'alice' } })).toBe(true);
    expect(ok({ method: 'POST', route: '/api/keys/media', body: { session: 'bob' } })).toBe(false);
    expect(ok({ method: 'DELETE', route: '/api/sessions/:session', params: { session: 'alice' } })).toBe(false);
    const control: Principal = { ...alice, actions: CONTROL_ACTIONS };
    expect(ok({ method: 'POST', route: '/api/sessions/:session/start', params: { session: 'alice' } }, control)).toBe(true);
    expect(ok({ method: 'GET', route: '/api/sessions/:session', params: { session: 'alice' } }, control)).toBe(true);
    expect(ok({ method: 'GET', route: '/api/:session/chats', params: { session: 'alice' } }, control)).toBe(false);
  });

  test('a media key: only its session files; events: admin all, a reading session key its own, others none', () => {
    const media: Principal = { kind: 'media', session: 'alice', keyId: 'm' };
    expect(refusal(media, { method: 'GET', route: '/api/files/:session/:file', params: { session: 'alice', file: 'x' } })).toBeNull();
    expect(refusal(media, { method: 'GET', route: '/api/files/:session/:file', params: { session: 'bob', file: 'x' } })).toContain(
      'media key',
    );
    expect(refusal(media, { method: 'POST', route: '/mcp' })).not.toBeNull();
    expect([
      eventScope({ kind: 'admin' }),
      eventScope(alice),
      eventScope(media),
      eventScope({ ...alice, actions: CONTROL_ACTIONS }),
    ]).toEqual([null, 'alice', false, false]);
  });
});

describe('the key service', () => {
  test('keys are random over 62 characters', () => {
    const sample = randomChars(6200);
    expect(sample).toMatch(/^[0-9A-Za-z]+$/);
    expect(new Set(sample).size).toBe(62);
    expect(randomChars(32)).not.toBe(randomChars(32));
  });

  test('a key is shown once and stored as its SHA-512; it resolves to its principal until deactivated', async () => {
    const created = await keys.create({ isAdmin: false, session: 'alice', isActive: true, actions: { read: true } });
    const row = await store.apiKeys.get(created.id);
    expect(row?.hash).toEqual(sha512(created.key));
    expect(row?.hint).toBe(`${created.key.slice(0, 8)}…`);
    expect((await keys.list()).find((k) => k.id === created.id)?.key).toBe(row?.hint as string);
    expect(await keys.resolve(created.key)).toEqual({
      kind: 'session',
      session: 'alice',
      actions: { read: true, send: false, control: false, setting: false, app: false, delete: false },
      keyId: created.id,
    });
    expect(await keys.resolve(`${created.key}x`)).toBeNull();
    await keys.update(created.id, { isAdmin: false, session: 'alice', isActive: false, actions: null });
    expect(await keys.resolve(created.key)).toBeNull();
  });

  test("WAHA's invariants, and a media key that changes only its isActive", async () => {
    await expect(keys.create({ isAdmin: true, session: 'alice', isActive: true })).rejects.toThrow('not allowed for admin keys');
    await expect(keys.create({ isAdmin: false, session: null, isActive: true })).rejects.toThrow('session must be provided');
    await expect(keys.create({ isAdmin: false, session: 'carol', isActive: true })).rejects.toThrow('does not exist');
    const media = await keys.media('bob');
    expect(await keys.resolve(media.key)).toEqual({ kind: 'media', session: 'bob', keyId: media.id });
    await expect(keys.update(media.id, { isAdmin: false, session: 'alice', isActive: true })).rejects.toThrow('media key');
    expect((await keys.update(media.id, { isAdmin: false, session: 'bob', isActive: false })).isActive).toBe(false);
    expect((await keys.delete(media.id)).result).toBe(true);
    await expect(keys.delete(media.id)).rejects.toThrow('not found');
  });
});
