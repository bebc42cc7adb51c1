/**
 * The cluster's parts below the processes (test/e2e/cluster.e2e.test.ts runs three real nodes):
 * leases on the database clock, the fencing of every session write by the lease epoch (on
 * PostgreSQL; the SQLite binding, one node by definition, ignores a lease), the login-profile
 * blob, which session a request names, and a node that cannot renew stopping its session itself.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionOfRequest } from '../src/cluster/forward';
import { PostgresLeases } from '../src/cluster/leases';
import { ClusterNode } from '../src/cluster/node';
import { PostgresProfiles, packProfile, unpackProfile } from '../src/cluster/profiles';
import { EventRelay } from '../src/cluster/relay';
import { silentLogger } from '../src/log';
import { isStaleLease } from '../src/store/fence';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres';
import type { EventWrite } from '../src/store/types';
import { freshSchema, postgresTestServer, tempSqliteStore } from './support/stores';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const write = (session: string, lease: EventWrite['lease'], id = crypto.randomUUID()): EventWrite => ({
  eventId: id,
  event: 'session.status',
  session,
  timestamp: Date.now(),
  body: new TextEncoder().encode('{}'),
  targets: [{ key: `${session}\nhttp://127.0.0.1:9/hook`, settings: '{"url":"http://127.0.0.1:9/hook"}' }],
  lease,
});

const rejection = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('it did not reject');
};

async function pgStore(): Promise<PostgresStore> {
  const { url, drop } = await freshSchema();
  const store = await openPostgresStore(url, { max: 3 });
  cleanups.push(drop);
  cleanups.push(() => store.close());
  return store;
}

if (!postgresTestServer.available) console.log(`[stores] ${import.meta.file}: PostgreSQL cases skipped — ${postgresTestServer.skipReason}`);

describe.skipIf(!postgresTestServer.available)('leases on PostgreSQL', () => {
  test('a claim takes free sessions that should run, one node each; renew keeps them; release frees at once', async () => {
    const store = await pgStore();
    for (const n of ['a', 'b', 'c']) await store.sessions.insert(n, null, true);
    await store.sessions.insert('off', null, false);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const y = new PostgresLeases(store.pool, 'y', 15_000);
    const [cx, cy] = await Promise.all([x.claim(2), y.claim(2)]);
    const names = [...cx, ...cy].map((c) => c.name).sort();
    expect(names).toEqual(['a', 'b', 'c']); // each once, never the stopped one
    expect(cx.every((c) => c.epoch === 1) && cy.every((c) => c.epoch === 1)).toBe(true);
    expect((await x.renew(cx.map((c) => c.name))).map((r) => r.name).sort()).toEqual(cx.map((c) => c.name).sort());
    expect(await x.renew(cy.map((c) => c.name))).toEqual([]); // not x's
    expect(await y.claimOne(cx[0]!.name)).toBeNull(); // a live lease of another node
    await x.release(cx[0]!.name, cx[0]!.epoch);
    expect(await y.claimOne(cx[0]!.name)).toBe(2); // a new epoch
    const h = await x.holder(cx[0]!.name);
    expect(h).toMatchObject({ owner: 'y', live: true, running: true });
    // A release wakes the other nodes (NOTIFY) so they claim at once.
    let woken: () => void = () => {};
    const wake = new Promise<void>((r) => (woken = r));
    const off = await y.onWake(() => woken());
    await x.wake();
    await wake;
    await off();
    // A start through the API claims and marks the session running in one statement.
    expect(await x.claimOne('off')).toBe(1);
    expect(await x.holder('off')).toMatchObject({ owner: 'x', live: true, running: true });
  });

  test('a node running more sessions than another one with room leaves the backlog to it', async () => {
    const store = await pgStore();
    for (const n of ['a', 'b', 'c']) await store.sessions.insert(n, null, true);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const y = new PostgresLeases(store.pool, 'y', 15_000);
    await x.heartbeat('http://x', 2);
    await y.heartbeat('http://y', 2);
    expect(await x.claim(2)).toHaveLength(2);
    expect(await x.backlog(2)).toEqual({ claimable: 1, lighter: 1, eligible: 2 }); // y has room and fewer
    expect(await y.backlog(0)).toEqual({ claimable: 1, lighter: 0, eligible: 1 });
    await y.heartbeat('http://y', 0); // full: x may take it after all
    expect(await x.backlog(2)).toMatchObject({ lighter: 0 });
  });

  test('an expired lease (on the database clock) is claimed with a new epoch and never renewed by its old owner', async () => {
    const store = await pgStore();
    await store.sessions.insert('s', null, true);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const y = new PostgresLeases(store.pool, 'y', 15_000);
    expect(await x.claim(5)).toEqual([{ name: 's', epoch: 1 }]);
    expect(await y.claim(5)).toEqual([]);
    await store.sql`UPDATE sessions SET lease_expires_at = now() - interval '1 second' WHERE name = 's'`;
    expect(await x.renew(['s'])).toEqual([]);
    expect(await y.claim(5)).toEqual([{ name: 's', epoch: 2 }]);
  });

  test('fencing: an outbox write under a stale epoch is refused and writes nothing; the current one commits', async () => {
    const store = await pgStore();
    await store.sessions.insert('s', null, true);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const y = new PostgresLeases(store.pool, 'y', 15_000);
    const [{ epoch: e1 }] = (await x.claim(1)) as [{ name: string; epoch: number }];
    expect(await store.outbox.write(write('s', { owner: 'x', epoch: e1 }))).toHaveLength(1);
    // x is paused past its lease; y takes the session over.
    await store.sql`UPDATE sessions SET lease_expires_at = now() - interval '1 second' WHERE name = 's'`;
    const [{ epoch: e2 }] = (await y.claim(1)) as [{ name: string; epoch: number }];
    expect(e2).toBe(e1 + 1);
    const refused = await rejection(store.outbox.write(write('s', { owner: 'x', epoch: e1 })));
    expect(isStaleLease(refused)).toBe(true);
    // An incoming message's ledger entry is in the same transaction: not recorded either.
    const msg = { ...write('s', { owner: 'x', epoch: e1 }), event: 'message', record: { id: 'false_1@c.us_A', timestampSec: 1 } };
    expect(isStaleLease(await rejection(store.outbox.write(msg)))).toBe(true);
    expect(await store.ledger.has('s', 'false_1@c.us_A')).toBe(false);
    expect(isStaleLease(await rejection(store.ledger.mark('s', 1, Date.now(), { owner: 'x', epoch: e1 })))).toBe(true);
    expect(await store.outbox.pendingCount()).toBe(1);
    expect(await store.outbox.write(write('s', { owner: 'y', epoch: e2 }))).toHaveLength(1);
    expect(await store.outbox.pendingCount()).toBe(2);
    // The session's rows in seq order: every one of epoch 1 before every one of epoch 2 (here: one each).
  });

  test('fencing holds against a concurrent claim: a lease under a write in flight is not taken; after it commits, the old epoch is refused', async () => {
    const store = await pgStore();
    await store.sessions.insert('s', null, true);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const y = new PostgresLeases(store.pool, 'y', 15_000);
    const [{ epoch }] = (await x.claim(1)) as [{ name: string; epoch: number }];
    await store.sql`UPDATE sessions SET lease_expires_at = now() + interval '300 milliseconds' WHERE name = 's'`;
    // A fenced transaction of x passed its check (FOR SHARE) and is still open when the lease runs out.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let checked: () => void = () => {};
    const passed = new Promise<void>((r) => (checked = r));
    const tx = store.sql.begin(async (t) => {
      await t`SELECT 1 FROM sessions WHERE name = 's' AND owner = 'x' AND epoch = ${epoch} AND lease_expires_at > now() FOR SHARE`;
      checked();
      await held;
    });
    try {
      await passed;
      // The lease runs out on the database clock while the transaction is open.
      for (;;) {
        const [{ over }] = await store.sql`SELECT lease_expires_at < now() AS over FROM sessions WHERE name = 's'`;
        if (over) break;
        await Bun.sleep(20);
      }
      // The claim skips a row under a fenced write (SKIP LOCKED): nothing is taken while it is in flight.
      expect(await y.claim(1)).toEqual([]);
    } finally {
      release();
      await tx;
    }
    expect(await y.claim(1)).toEqual([{ name: 's', epoch: epoch + 1 }]);
    expect(isStaleLease(await rejection(store.outbox.write(write('s', { owner: 'x', epoch }))))).toBe(true);
  });

  test("the event relay: an envelope reaches the other nodes, not its sender; one over NOTIFY's limit goes through cluster_events", async () => {
    const store = await pgStore();
    const relays = ['x', 'y'].map((id) => new EventRelay(store.pool.sql, store.pool, id, silentLogger));
    const got: { node: string; session: string; json: string }[] = [];
    for (const [i, r] of relays.entries()) await r.start((e, json) => got.push({ node: ['x', 'y'][i]!, session: e.session, json }));
    cleanups.push(() => Promise.all(relays.map((r) => r.stop())));
    const small = JSON.stringify({ event: 'message', session: 's', payload: { body: 'hi' } });
    const large = JSON.stringify({ event: 'message', session: 's', payload: { body: 'é'.repeat(6000) } }); // 12 kB in UTF-8
    relays[0]!.send({ session: 's', event: 'message' }, small);
    relays[0]!.send({ session: 's', event: 'message' }, large);
    for (;;) {
      if (got.length >= 2) break;
      await Bun.sleep(20);
    }
    expect(got).toEqual([
      { node: 'y', session: 's', json: small },
      { node: 'y', session: 's', json: large },
    ]);
  });

  test('a login profile is saved under the lease only, and loads back byte for byte', async () => {
    const store = await pgStore();
    await store.sessions.insert('s', null, true);
    const x = new PostgresLeases(store.pool, 'x', 15_000);
    const profiles = new PostgresProfiles(store.pool);
    const [{ epoch }] = (await x.claim(1)) as [{ name: string; epoch: number }];
    const packed = { data: new Uint8Array([1, 2, 3]), files: 1, bytes: 3 };
    await profiles.save('s', { owner: 'x', epoch }, packed);
    expect([...((await profiles.load('s')) ?? [])]).toEqual([1, 2, 3]);
    expect(isStaleLease(await rejection(profiles.save('s', { owner: 'x', epoch: epoch + 1 }, packed)))).toBe(true);
    await profiles.delete('s');
    expect(await profiles.load('s')).toBeNull();
  });
});

test('SQLite (one node): a write with a lease is not fenced', async () => {
  const t = tempSqliteStore();
  cleanups.push(() => t.dispose());
  await t.store.sessions.insert('s', null, true);
  expect(await t.store.outbox.write(write('s', { owner: 'x', epoch: 7 }))).toHaveLength(1);
});

test('the login parts of a profile pack and unpack; other folders and LevelDB locks are left out', async () => {
  const from = mkdtempSync(join(tmpdir(), 'wabun-profile-'));
  const to = mkdtempSync(join(tmpdir(), 'wabun-profile-'));
  cleanups.push(() => rmSync(from, { recursive: true, force: true }));
  cleanups.push(() => rmSync(to, { recursive: true, force: true }));
  const put = (root: string, p: string, text: string) => {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  };
  put(from, 'Default/Local Storage/leveldb/000003.log', 'paired');
  put(from, 'Default/Local Storage/leveldb/LOCK', '');
  put(from, 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/CURRENT', 'MANIFEST-000001\n');
  put(from, 'Default/Cache/data_0', 'not kept');
  put(to, 'Default/Local Storage/leveldb/stale.log', 'old');
  const packed = await packProfile(from);
  expect(packed).toMatchObject({ files: 2, bytes: 'paired'.length + 'MANIFEST-000001\n'.length });
  expect(await unpackProfile(to, packed!.data)).toBe(2);
  expect(readFileSync(join(to, 'Default/Local Storage/leveldb/000003.log'), 'utf8')).toBe('paired');
  expect(() => readFileSync(join(to, 'Default/Local Storage/leveldb/stale.log'))).toThrow();
  expect(await packProfile(join(to, 'nothing'))).toBeNull();
});

test('which session a request names: path, query, body; none for the routes of no session', () => {
  const body = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  expect(sessionOfRequest('/api/sessions/a1/start', null)).toBe('a1');
  expect(sessionOfRequest('/api/sessions/a1', null)).toBe('a1');
  expect(sessionOfRequest('/api/a2/chats?limit=1', null)).toBe('a2');
  expect(sessionOfRequest('/api/a3/auth/qr', null)).toBe('a3');
  expect(sessionOfRequest('/api/files/a4/x.jpg', null)).toBe('a4');
  expect(sessionOfRequest('/api/screenshot?session=a5', null)).toBe('a5');
  expect(sessionOfRequest('/api/sendText', body({ session: 'a6', chatId: 'x', text: 'y' }))).toBe('a6');
  expect(sessionOfRequest('/api/sessions', body({ name: 'new' }))).toBeNull();
  expect(sessionOfRequest('/api/sessions?all=true', null)).toBeNull();
  expect(sessionOfRequest('/api/contacts/check-exists?phone=1', null)).toBeNull();
  expect(sessionOfRequest('/api/server/status', null)).toBeNull();
  expect(sessionOfRequest('/api/sendText', body({ session: '../x' }))).toBeNull();
});

test('a node that cannot renew (database gone) stops the session itself once its own deadline passes', async () => {
  let t = 0;
  let onLost: (name: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (onLost = resolve));
  const down = () => Promise.reject(new Error('connection refused'));
  const leases = {
    me: 'x',
    claimOne: async () => 1,
    renew: down,
    heartbeat: down,
    rows: down,
    backlog: down,
    claim: down,
    release: down,
    status: down,
    holder: down,
    onWake: down,
    wake: down,
  } as unknown as PostgresLeases;
  const profiles = { load: async () => null, save: down, delete: down } as unknown as PostgresProfiles;
  const node = new ClusterNode({
    leases,
    profiles,
    log: silentLogger,
    ttlMs: 3000,
    renewMs: 1000,
    claimMs: 60_000,
    profileIntervalMs: 0,
    profileMaxBytes: 1,
    url: () => 'http://x',
    now: () => t,
  });
  node.bind({
    runClaimed: async () => {},
    lost: async (n) => onLost(n),
    sync: () => {},
    capacity: () => ({ active: 0, max: 2 }),
    dataDir: () => '/nonexistent',
    working: () => false,
  });
  expect(await node.claim('s')).toBe(true);
  node.start();
  cleanups.push(() => node.stop());
  t = 2300; // still inside ttl − margin (3000 − 600): kept, though no renewal got through
  await Bun.sleep(700); // a few deadline checks and failed renewals (an absence cannot be awaited)
  expect(node.holds('s')).toBe(true);
  t = 2500; // past it: the browser is stopped before the database could give the session away
  expect(await lost).toBe('s');
  expect(node.holds('s')).toBe(false);
  expect(node.leaseOf('s')).toBeNull();
});
