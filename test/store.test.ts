/** The embedded store (bun:sqlite) and the in-process event bus. */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BusEvent, EventBus } from '../src/events/bus';
import { Logger } from '../src/log';
import { Store } from '../src/store';
import { MIGRATIONS } from '../src/store/migrations';

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
  test('creates wabun.sqlite in WAL mode at the newest schema version', () => {
    const store = Store.open(join(tempDir(), 'nested', 'base'));
    expect(store.version()).toBe(MIGRATIONS.length);
    expect((store.db.query('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    store.close();
  });

  test('session rows survive a reopen; running and config updates; delete', () => {
    const dir = tempDir();
    const a = Store.open(dir);
    a.sessions.insert('one', { metadata: { k: 'v' } });
    a.sessions.insert('two', null, true);
    a.sessions.setRunning('one', true);
    a.sessions.setConfig('two', { debug: true });
    a.close();
    const b = Store.open(dir);
    expect(b.sessions.list().map(({ name, config, running }) => ({ name, config, running }))).toEqual([
      { name: 'one', config: { metadata: { k: 'v' } }, running: true },
      { name: 'two', config: { debug: true }, running: true },
    ]);
    b.sessions.delete('one');
    expect(b.sessions.get('one')).toBeNull();
    expect(() => b.sessions.insert('two', null)).toThrow();
    b.close();
  });

  test('a migration added later runs once on an existing store; a newer store is refused', () => {
    const dir = tempDir();
    Store.open(dir).close();
    const more = [...MIGRATIONS, { name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;' }];
    const s = Store.open(dir, more);
    expect(s.version()).toBe(more.length);
    s.close();
    Store.open(dir, more).close(); // nothing to do the second time
    expect(() => Store.open(dir)).toThrow(/newer than this build/);
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
    expect(bus.size).toBe(1);
  });
});
