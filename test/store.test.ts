/** The stores (bun:sqlite and PostgreSQL, test/support/stores.ts) and the in-process event bus. */
import { afterEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { type BusEvent, EventBus } from '../src/events/bus';
import { Logger } from '../src/log';
import { openSqliteStore } from '../src/store/sqlite';
import { MIGRATIONS } from '../src/store/sqlite/migrations';
import { storeBindings, type TestStore } from './support/stores';

const bindings = storeBindings(import.meta.file);
const opened: TestStore[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.dispose();
});

test('SQLite: creates wabun.sqlite in WAL mode at the newest schema version, in a folder it makes', async () => {
  const t = await bindings[0]!.open();
  opened.push(t);
  const store = openSqliteStore(join(t.location.baseDir, 'nested', 'base'));
  expect((store.db.query('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(MIGRATIONS.length);
  expect((store.db.query('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
  await store.close();
});

for (const binding of bindings) {
  describe.skipIf(binding.skip !== null)(`store on ${binding.name}`, () => {
    const open = async (extra?: Parameters<typeof binding.open>[0]) => {
      const t = await binding.open(extra);
      opened.push(t);
      return t;
    };

    test('session rows survive a reopen; running and config updates; delete', async () => {
      const t = await open();
      const a = t.store;
      await a.sessions.insert('one', { metadata: { k: 'v' } });
      await a.sessions.insert('two', null, true);
      await a.sessions.setRunning('one', true);
      await a.sessions.setConfig('two', { debug: true });
      const b = await t.reopen();
      expect((await b.sessions.list()).map(({ name, config, running }) => ({ name, config, running }))).toEqual([
        { name: 'one', config: { metadata: { k: 'v' } }, running: true },
        { name: 'two', config: { debug: true }, running: true },
      ]);
      const [one] = await b.sessions.list();
      expect(one!.updatedAt).toBeGreaterThanOrEqual(one!.createdAt);
      expect(typeof one!.createdAt).toBe('number');
      await b.sessions.delete('one');
      expect((await b.sessions.list()).map((r) => r.name)).toEqual(['two']);
      expect(b.sessions.insert('two', null)).rejects.toThrow();
    });

    test('a session config reads back as written, key order included', async () => {
      const t = await open();
      const config = { webhooks: [{ url: 'https://example.invalid/h', events: ['message'] }], metadata: { z: '1', a: '2' }, debug: false };
      await t.store.sessions.insert('s', config);
      const [row] = await (await t.reopen()).sessions.list();
      expect(JSON.stringify(row!.config)).toBe(JSON.stringify(config));
    });

    test('API keys: found by their hash only, updated, deleted; rows read back as written', async () => {
      const t = await open();
      const hash = new Uint8Array(64).map((_, i) => i);
      const row = {
        id: 'key_id_1',
        hash,
        hint: 'key_AbCd',
        kind: 'session' as const,
        session: 'alice',
        active: true,
        actions: { read: true, send: false },
        createdAt: 1_700_000_000_000,
        updatedAt: 1_700_000_000_000,
      };
      await t.store.apiKeys.insert(row);
      const b = await t.reopen();
      expect(await b.apiKeys.byHash(hash)).toEqual(row);
      expect(await b.apiKeys.byHash(new Uint8Array(64))).toBeNull();
      expect(await b.apiKeys.update({ ...row, active: false, actions: null, updatedAt: row.updatedAt + 1 })).toBe(true);
      expect(await b.apiKeys.get('key_id_1')).toEqual({ ...row, active: false, actions: null, updatedAt: row.updatedAt + 1 });
      expect(b.apiKeys.insert({ ...row, id: 'key_id_2' })).rejects.toThrow(); // the same hash twice
      expect(await b.apiKeys.update({ ...row, id: 'nobody' })).toBe(false);
      expect(await b.apiKeys.delete('key_id_1')).toBe(true);
      expect(await b.apiKeys.delete('key_id_1')).toBe(false);
      expect(await b.apiKeys.list()).toEqual([]);
    });

    test('a migration added later runs once on an existing store; a newer store is refused', async () => {
      const t = await open();
      const base = await t.schemaVersion();
      const more = [{ name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' }];
      await t.reopen(more);
      expect(await t.schemaVersion()).toBe(base + 1);
      await t.reopen(more); // nothing to do the second time
      expect(await t.schemaVersion()).toBe(base + 1);
      await t.close();
      expect(t.reopen()).rejects.toThrow(/newer than this build/);
    });
  });
}

describe('event bus', () => {
  test('delivers in order to every listener; a throwing listener is logged and skipped; unsubscribe', () => {
    const lines: string[] = [];
    const bus = new EventBus(new Logger({ level: 'error', format: 'JSON', write: (l) => lines.push(l) }));
    const got: BusEvent[] = [];
    bus.subscribe(() => {
      throw new Error('boom');
    });
    const off = bus.subscribe((e) => got.push(e));
    bus.publish({ session: 's', event: 'session.status', payload: { n: 1 }, me: null, metadata: {} });
    bus.publish({ session: 's', event: 'message', payload: { n: 2 }, me: null, metadata: { a: 'b' }, timestamp: 5 });
    off();
    bus.publish({ session: 's', event: 'message', payload: { n: 3 }, me: null, metadata: {} });
    expect(got.map((e) => e.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(got[1]!.timestamp).toBe(5);
    expect(typeof got[0]!.timestamp).toBe('number');
    expect(lines).toHaveLength(3);
  });
});
