/** The embedded store (bun:sqlite) and the in-process event bus. */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusEvent, EventBus } from '../src/events/bus';
import { Logger } from '../src/log';
import { openSqliteStore } from '../src/store/sqlite';
import { MIGRATIONS } from '../src/store/sqlite/migrations';

const version = (store: ReturnType<typeof openSqliteStore>) =>
  (store.db.query('PRAGMA user_version').get() as { user_version: number }).user_version;

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wabun-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('store', () => {
  test('creates wabun.sqlite in WAL mode at the newest schema version', async () => {
    const store = openSqliteStore(join(tempDir(), 'nested', 'base'));
    expect(version(store)).toBe(MIGRATIONS.length);
    expect((store.db.query('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    await store.close();
  });

  test('session rows survive a reopen; running and config updates; delete', async () => {
    const dir = tempDir();
    const a = openSqliteStore(dir);
    await a.sessions.insert('one', { metadata: { k: 'v' } });
    await a.sessions.insert('two', null, true);
    await a.sessions.setRunning('one', true);
    await a.sessions.setConfig('two', { debug: true });
    await a.close();
    const b = openSqliteStore(dir);
    expect((await b.sessions.list()).map(({ name, config, running }) => ({ name, config, running }))).toEqual([
      { name: 'one', config: { metadata: { k: 'v' } }, running: true },
      { name: 'two', config: { debug: true }, running: true },
    ]);
    await b.sessions.delete('one');
    expect((await b.sessions.list()).map((r) => r.name)).toEqual(['two']);
    expect(b.sessions.insert('two', null)).rejects.toThrow();
    await b.close();
  });

  test('a migration added later runs once on an existing store; a newer store is refused', async () => {
    const dir = tempDir();
    await openSqliteStore(dir).close();
    const more = [...MIGRATIONS, { name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;' }];
    const s = openSqliteStore(dir, more);
    expect(version(s)).toBe(more.length);
    await s.close();
    await openSqliteStore(dir, more).close(); // nothing to do the second time
    expect(() => openSqliteStore(dir)).toThrow(/newer than this build/);
  });
});

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
