/**
 * What only the PostgreSQL binding has to get right, beside the cases every binding runs
 * (test/store.test.ts and the outbox tests): nodes that open one database at once, writers
 * that race on one message, the pool ending on close, and a server that is not there.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDependencyError } from '../src/errors';
import { openPostgresStore } from '../src/store/postgres';
import { MIGRATIONS } from '../src/store/postgres/migrations';
import type { EventWrite } from '../src/store/types';
import { freshSchema, onTestServer, postgresTestServer } from './support/stores';
import { deadPort } from './support/webhooks';

const ROOT = join(import.meta.dir, '..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const schema = async () => {
  const s = await freshSchema();
  cleanups.push(() => s.drop());
  return s;
};
const open = async (url: string) => {
  const store = await openPostgresStore(url);
  cleanups.push(() => store.close());
  return store;
};

if (!postgresTestServer.available) console.log(`[stores] ${import.meta.file}: PostgreSQL cases skipped — ${postgresTestServer.skipReason}`);

describe.skipIf(!postgresTestServer.available)('on the test server', () => {
  test('three nodes opening one new database at once: each migration runs once', async () => {
    const { url } = await schema();
    const stores = await Promise.all([open(url), open(url), open(url)]);
    const [store] = stores;
    expect(await store!.sql`SELECT version, name FROM schema_version ORDER BY version`.then((r) => [...r])).toEqual(
      MIGRATIONS.map((m, i) => ({ version: i + 1, name: m.name })),
    );
  });

  test('two writers of one incoming message: exactly one commits it, the other is dropped', async () => {
    const { url } = await schema();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const write = (eventId: string): EventWrite => ({
      eventId,
      event: 'message',
      session: 's',
      timestamp: 1000,
      body: new TextEncoder().encode('{}'),
      targets: [{ key: 's\nhttp://127.0.0.1:1/hook', settings: '{}' }],
      record: { id: 'false_1@c.us_A', timestampSec: 100 },
      unlessPublished: 'false_1@c.us_A',
    });
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([a!.outbox.write(write(`evt_a${round}`)), b!.outbox.write(write(`evt_b${round}`))]);
      expect(results.filter((r) => r !== null)).toHaveLength(round === 0 ? 1 : 0);
    }
    expect(await a!.outbox.pendingCount()).toBe(1);
  });

  test("the URL's database wins over a PGDATABASE in the environment", async () => {
    const { url } = await schema();
    const before = process.env.PGDATABASE;
    process.env.PGDATABASE = 'wabun_no_such_database';
    try {
      const store = await open(url);
      const [{ db }] = await store.sql`SELECT current_database() AS db`;
      expect(db).toBe(new URL(url).pathname.slice(1));
    } finally {
      if (before === undefined) delete process.env.PGDATABASE;
      else process.env.PGDATABASE = before;
    }
  });

  test('connections the server ended (a restart, pg_terminate_backend) cost no write: the pool goes on on fresh ones', async () => {
    const { url } = await schema();
    const name = `wabun-lost-${crypto.randomUUID().slice(0, 8)}`;
    const u = new URL(url);
    u.searchParams.set('application_name', name);
    const store = await open(u.href);
    // Several connections open, then every one of them ended by the server.
    await Promise.all(Array.from({ length: 4 }, () => store.sql`SELECT pg_sleep(0.05)`));
    const ended = await onTestServer(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = '${name}'`);
    expect(ended.length).toBeGreaterThanOrEqual(2);
    await store.sessions.insert('s', null, true);
    const written = await store.outbox.write({
      eventId: 'evt_1',
      event: 'session.status',
      session: 's',
      timestamp: 1000,
      body: new TextEncoder().encode('{}'),
      targets: [{ key: 's\nhttp://127.0.0.1:1/hook', settings: '{}' }],
    });
    expect(written).toHaveLength(1);
    expect((await store.sessions.list()).map((r) => r.name)).toEqual(['s']);
    expect(await store.outbox.pendingCount()).toBe(1);
  });

  test('close() ends the pool: no connection of the store is left on the server', async () => {
    const { url } = await schema();
    const name = `wabun-close-${crypto.randomUUID().slice(0, 8)}`;
    const u = new URL(url);
    u.searchParams.set('application_name', name);
    const store = await openPostgresStore(u.href);
    await Promise.all([store.sessions.list(), store.outbox.pendingCount(), store.ledger.has('s', 'x')]);
    const count = async () =>
      (await onTestServer(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '${name}'`))[0]!.n as number;
    expect(await count()).toBeGreaterThan(0);
    await store.close();
    // The server notices a closed socket a moment later: wait on its own view, bounded.
    for (let i = 0; i < 100 && (await count()) > 0; i++) await Bun.sleep(20);
    expect(await count()).toBe(0);
  });
});

describe('a server that is not there', () => {
  test('opening fails with MissingDependencyError naming where, never the password', async () => {
    const port = await deadPort();
    const e = await openPostgresStore(`postgres://wabun:s3cret-pw@127.0.0.1:${port}/wabun`).catch((err) => err);
    expect(e).toBeInstanceOf(MissingDependencyError);
    expect(e.message).toContain(`127.0.0.1:${port}/wabun`);
    expect(e.message).toContain('WHATSAPP_SESSIONS_POSTGRESQL_URL');
    expect(`${e.message} ${e.hint}`).not.toContain('s3cret-pw');
  });

  test('the service stops at start-up with exit code 3 and that message', async () => {
    const port = await deadPort();
    const dir = mkdtempSync(join(tmpdir(), 'wabun-pg-down-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const proc = Bun.spawn(['bun', join(ROOT, 'src', 'index.ts')], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        WAHA_API_KEY: 'k',
        PORT: '0',
        WHATSAPP_SESSIONS_POSTGRESQL_URL: `postgres://wabun:s3cret-pw@127.0.0.1:${port}/wabun`,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).toBe(3);
    expect(stderr).toContain(`wabun: PostgreSQL at 127.0.0.1:${port}/wabun (WHATSAPP_SESSIONS_POSTGRESQL_URL) cannot be used`);
    expect(stderr).not.toContain('s3cret-pw');
  });
});
