/**
 * Three nodes on one PostgreSQL schema (WAHA_WORKER_ID + WHATSAPP_SESSIONS_POSTGRESQL_URL), each a
 * `bun src/index.ts` process with its own data folder and real Chromium, on one simulator world.
 * The nodes share nothing but the database: a session's login moves through it
 * (session_profiles). The nodes are brought up once and the scenarios run in order, because each
 * needs the cluster the previous one left: the sessions paired in the first are the ones that
 * fail over in the second, and the node killed there comes back for the third to take the
 * paused node's session. Leases are short here (6 s) to keep the run short; the benchmark
 * (scripts/bench/cluster.ts) measures the defaults. A second, smaller cluster keeps the logins in
 * an S3-compatible bucket (the s3rver fixture) and fails over once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { SQL } from 'bun';
import { s3Client } from '../../src/cluster/profiles-s3';
import { simContactId } from '../sim/index';
import { ClusterRig } from '../support/cluster';
import { startS3, type TestS3 } from '../support/s3';
import { freshSchema, postgresTestServer } from '../support/stores';
import { Receiver } from '../support/webhooks';
import { browsersOf, E2eWorld } from '../support/world';

const SESSIONS = ['c1', 'c2', 'c3'];
const NODES = ['node-a', 'node-b', 'node-c'];
const PEER = simContactId(1);
/** Messages pushed into a session on each side of a kill. */
const BURST = 200;
let world: E2eWorld;
let rig: ClusterRig;
let receiver: Receiver;
let db: SQL;
let drop: () => Promise<void> = async () => {};
/** Each session's simulator profile id: it lives in the login's Local Storage, so it moves with it. */
const profiles = new Map<string, string>();

if (!postgresTestServer.available) console.log(`[stores] ${import.meta.file}: skipped — ${postgresTestServer.skipReason}`);

const owner = async (name: string, via = 'node-b') => (await rig.session(via, name))?.assignedWorker ?? null;
const messagesWith = (body: string) => receiver.arrivals.filter((a) => a.json.event === 'message' && a.json.payload.body === body);

describe.skipIf(!postgresTestServer.available)('a cluster of three nodes', () => {
  beforeAll(async () => {
    world = new E2eWorld();
    receiver = new Receiver();
    const schema = await freshSchema();
    drop = schema.drop;
    db = new SQL(schema.url, { max: 3 });
    rig = new ClusterRig(world, schema.url, {
      MAX_RUNNING_SESSIONS: '2',
      LEASE_TTL_MS: '6000',
      LEASE_RENEW_MS: '2000',
      LEASE_CLAIM_MS: '500',
    });
    rig.allowControl(NODES, SESSIONS);
    await Promise.all(NODES.map((id) => rig.start(id)));
  }, 120_000);

  afterAll(async () => {
    await rig?.dispose();
    await db?.close();
    await drop();
    await receiver?.stop();
    await world?.dispose();
  });

  test('sessions spread over the nodes by capacity; any node answers for any session, /ws on any node carries them', async () => {
    const webhooks = [
      { url: receiver.url, events: ['message', 'session.status'], retries: { policy: 'constant', delaySeconds: 1, attempts: 30 } },
    ];
    for (const name of SESSIONS) {
      const page = world.sim.nextPage();
      // Every session is created through node-a; it runs two (MAX_RUNNING_SESSIONS) and leaves the third to a node with room.
      const created = await rig.api('node-a', 'POST', '/api/sessions', { name, config: { webhooks } });
      expect(created.status).toBe(201);
      const info = await page;
      profiles.set(name, info.profileId);
      await rig.until(async () => (await rig.session('node-a', name))?.status === 'SCAN_QR_CODE', `${name} SCAN_QR_CODE`, 30_000);
      await world.sim.control(info.profileId).scan();
      await rig.until(async () => (await rig.session('node-a', name))?.status === 'WORKING', `${name} WORKING`, 30_000);
    }
    const owners = await Promise.all(SESSIONS.map((n) => owner(n)));
    expect(owners.slice(0, 2)).toEqual(['node-a', 'node-a']);
    expect(['node-b', 'node-c']).toContain(owners[2]!);
    // Every node shows every session with its owner, in the list and one by one (forwarded).
    for (const via of NODES) {
      const list = await rig.api(via, 'GET', '/api/sessions');
      expect(list.json.map((s: { name: string; assignedWorker: string }) => [s.name, s.assignedWorker]).sort()).toEqual(
        SESSIONS.map((n, i) => [n, owners[i]]),
      );
      for (const [i, n] of SESSIONS.entries()) expect(await owner(n, via)).toBe(owners[i]!);
    }
    // A send through a node that does not run the session reaches its owner's WhatsApp.
    const sent = await rig.api('node-c', 'POST', '/api/sendText', { session: 'c1', chatId: PEER, text: 'through node-c' });
    expect(sent.status).toBe(201);
    expect(sent.headers.get('x-wabun-worker')).toBe('node-a');
    await world.sim.control(profiles.get('c1')!).waitForOutbox({ body: 'through node-c' });
    // /ws on a node that does not run c3 carries its events (relayed over NOTIFY).
    const elsewhere = NODES.find((id) => id !== owners[2])!;
    const ws = new WebSocket(`${rig.node(elsewhere).base.replace('http', 'ws')}/ws?session=c3&events=message`);
    const frames: Record<string, any>[] = [];
    ws.onmessage = (m) => frames.push(JSON.parse(String(m.data)));
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('/ws did not open'));
    });
    // The webhooks say which node runs the session.
    await world.sim.control(profiles.get('c3')!).receive({ from: PEER, body: 'to c3' });
    await receiver.until(() => messagesWith('to c3').length > 0, 'the message of c3', 30_000);
    expect(messagesWith('to c3')[0]!.json.environment.worker).toEqual({ id: owners[2] });
    await rig.until(() => frames.some((f) => f.payload?.body === 'to c3'), `the message of c3 on /ws of ${elsewhere}`, 30_000);
    expect(frames.find((f) => f.payload?.body === 'to c3')!.id).toBe(messagesWith('to c3')[0]!.json.id);
    ws.close();
    // Each login is saved to the store once it settled after pairing: what a failover restores.
    await rig.until(
      async () => (await db`SELECT count(*)::int AS n FROM session_profiles`)[0].n === SESSIONS.length,
      'every login profile saved',
      60_000,
    );
  }, 240_000);

  test('kill -9 of a node: its sessions are WORKING on the others without a QR; meanwhile their requests get 503 + Retry-After', async () => {
    const a = rig.node('node-a');
    const mark = receiver.arrivals.length;
    // A burst into c1 right up to the kill: what the dead node committed must all be delivered.
    const c1 = world.sim.control(profiles.get('c1')!);
    const tag = `burst-${crypto.randomUUID().slice(0, 6)}`;
    const ledger = async () =>
      new Set(((await db`SELECT id FROM published_messages WHERE session = 'c1' AND id <> ''`) as { id: string }[]).map((r) => r.id));
    const before = await ledger();
    for (let i = 0; i < BURST; i++) await c1.receive({ from: PEER, body: `${tag} before #${i}` });
    // Killed while it is still committing the burst (its page took all of it long before).
    await rig.until(async () => (await ledger()).size >= before.size + 5, 'the first of the burst committed', 30_000);
    a.child.kill('SIGKILL');
    await a.child.proc.exited;
    // Its lease still holds: no other node has written for c1 yet.
    const committed = [...(await ledger())].filter((id) => !before.has(id));
    // Its lease has not run out yet: forwarding to the dead owner fails, the answer says when to retry.
    const during = await rig.api('node-b', 'GET', '/api/c1/chats?limit=1');
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    for (const n of ['c1', 'c2'])
      await rig.until(
        async () => {
          const s = await rig.session('node-b', n);
          return s?.status === 'WORKING' && s.assignedWorker !== 'node-a';
        },
        `${n} WORKING on another node`,
        90_000,
      );
    // The status webhooks trail the status itself (delivery is asynchronous): wait for both WORKING ones.
    const statuses = (session: string) =>
      receiver.arrivals
        .slice(mark)
        .filter((x) => x.json.event === 'session.status' && x.json.session === session)
        .map((x) => x.json.payload.status);
    for (const n of ['c1', 'c2']) {
      await receiver.until(() => statuses(n).includes('WORKING'), `the WORKING webhook of ${n}`, 30_000);
      expect(statuses(n)).not.toContain('SCAN_QR_CODE');
    }
    // The new owner delivers the session's events.
    const newOwner = await owner('c1');
    await world.sim.control(profiles.get('c1')!).receive({ from: PEER, body: 'after the failover' });
    await receiver.until(() => messagesWith('after the failover').length > 0, 'a message after the failover', 30_000);
    expect(messagesWith('after the failover')[0]!.json.environment.worker).toEqual({ id: newOwner });

    // The burst, continued on the new owner: all of it arrives.
    for (let i = 0; i < BURST; i++) await c1.receive({ from: PEER, body: `${tag} after #${i}` });
    const burst = () => receiver.arrivals.filter((x) => x.json.event === 'message' && String(x.json.payload.body).startsWith(tag));
    const bodies = () => new Set(burst().map((x) => String(x.json.payload.body)));
    await receiver.until(
      () => [...bodies()].filter((b) => b.includes(' after #')).length === BURST,
      'the burst after the failover',
      60_000,
    );
    // Every message the dead node had committed (outbox and ledger in one transaction) is delivered,
    // by it before the kill or by the new owner from the outbox it left.
    const deliveredIds = () => new Set(burst().map((x) => String(x.json.payload.id)));
    await receiver.until(() => committed.every((id) => deliveredIds().has(id)), "the dead node's committed burst", 60_000);
    // At least once: a message delivered twice carries the same event id both times.
    const idsPerMessage = new Map<string, Set<string>>();
    for (const x of burst())
      idsPerMessage.set(String(x.json.payload.id), (idsPerMessage.get(String(x.json.payload.id)) ?? new Set()).add(x.id));
    expect([...idsPerMessage.values()].filter((ids) => ids.size > 1)).toEqual([]);
    const beforeArrived = [...bodies()].filter((b) => b.includes(' before #')).length;
    console.log(
      `[cluster] burst into c1: ${BURST} before the kill (${committed.length} committed by the dead node, all delivered; ${BURST - beforeArrived} its page had taken but it never committed), ${BURST} after, all delivered`,
    );
  }, 240_000);

  test('SIGSTOP of a node: it loses its lease, another node runs the session, and after SIGCONT its writes are refused and its browser stops', async () => {
    await rig.start('node-a'); // back, with room for two
    const owners = new Map(await Promise.all(SESSIONS.map(async (n) => [n, await owner(n)] as const)));
    const victim = [...owners.values()].find((o) => o !== 'node-a')!;
    const name = [...owners].find(([, o]) => o === victim)![0];
    const before = world.sim
      .pages()
      .filter((p) => p.profileId === profiles.get(name))
      .at(-1)!;
    const paused = rig.node(victim);
    const watcher = NODES.find((id) => id !== victim)!;
    // A write caught in flight: the test holds the session's row, so the paused node's next event
    // write waits at its fence check (FOR SHARE) — sent, not yet answered — when the node is stopped.
    let expire: () => void = () => {};
    const expiring = new Promise<void>((r) => (expire = r));
    let locked: () => void = () => {};
    const haveRow = new Promise<void>((r) => (locked = r));
    const holding = db.begin(async (t) => {
      await t`SELECT 1 FROM sessions WHERE name = ${name} FOR UPDATE`;
      locked();
      await expiring;
      // The lease runs out (on the database clock) before the waiting write is looked at again.
      await t`UPDATE sessions SET lease_expires_at = now() - interval '1 second' WHERE name = ${name}`;
    });
    await haveRow;
    await world.sim.control((p) => p.instanceId === before.instanceId).receive({ from: PEER, body: 'written in flight' });
    await rig.until(
      async () =>
        (await db`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'`)[0].n > 0,
      "the paused node's write waiting at its fence",
      30_000,
    );
    paused.child.kill('SIGSTOP');
    expire();
    await holding;
    await rig.until(
      async () => {
        const s = await rig.session(watcher, name);
        return s?.status === 'WORKING' && s.assignedWorker !== victim;
      },
      `${name} WORKING on a node other than the paused one`,
      90_000,
    );
    // The paused node's browser still runs: a message reaches its page and waits in the DevTools pipe.
    await world.sim.control((p) => p.instanceId === before.instanceId).receive({ from: PEER, body: 'to the paused node' });
    paused.child.kill('SIGCONT');
    // The write that was in flight was refused by the store: its epoch was no longer the session's.
    await paused.child.line(
      (l) => l.msg === 'event refused: written under a lease that is no longer current' && l.session === name,
      30_000,
    );
    await paused.child.line((l) => l.msg === 'session lease lost: its browser is stopped here' && l.session === name, 30_000);
    await rig.until(() => browsersOf(join(paused.dir, 'sessions', name)).length === 0, "the paused node's browser gone", 30_000);
    // The new owner's events go on; the paused node's never arrive.
    await world.sim.control(profiles.get(name)!).receive({ from: PEER, body: 'to the new owner' });
    await receiver.until(() => messagesWith('to the new owner').length > 0, 'the new owner’s message', 30_000);
    const refused = paused.child.lines.filter(
      (l) => String(l.msg).startsWith('event refused') || String(l.msg).startsWith('event of a session'),
    );
    console.log(`[e2e cluster] after SIGCONT the paused node refused ${refused.length} event write(s) of ${name}`);
    expect(messagesWith('to the paused node')).toEqual([]);
    expect((await db`SELECT owner FROM sessions WHERE name = ${name}`)[0].owner).not.toBe(victim);
  }, 180_000);

  test('a graceful stop hands the sessions over at once: released leases, WORKING elsewhere without a QR', async () => {
    const owners = new Map(await Promise.all(SESSIONS.map(async (n) => [n, await owner(n)] as const)));
    const counts = NODES.map((id) => [id, [...owners.values()].filter((o) => o === id).length] as const);
    const [leaving] = counts.filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1])[0]!;
    const moving = [...owners].filter(([, o]) => o === leaving).map(([n]) => n);
    const mark = receiver.arrivals.length;
    const node = rig.node(leaving);
    node.child.kill('SIGTERM');
    expect(await node.child.proc.exited).toBe(0);
    // Released, not left to expire.
    expect((await db`SELECT count(*)::int AS n FROM sessions WHERE owner = ${leaving}`)[0].n).toBe(0);
    const watcher = NODES.find((id) => id !== leaving)!;
    for (const n of moving)
      await rig.until(
        async () => {
          const s = await rig.session(watcher, n);
          return s?.status === 'WORKING' && s.assignedWorker !== leaving;
        },
        `${n} WORKING after the hand-over`,
        90_000,
      );
    const statuses = receiver.arrivals
      .slice(mark)
      .filter((x) => x.json.event === 'session.status' && moving.includes(x.json.session))
      .map((x) => x.json.payload.status);
    expect(statuses).not.toContain('SCAN_QR_CODE');
  }, 180_000);
});

describe.skipIf(!postgresTestServer.available)('two nodes with the login profiles in S3', () => {
  let s3: TestS3;
  let s3World: E2eWorld;
  let s3Rig: ClusterRig;
  let hooks: Receiver;
  let s3Db: SQL;
  let s3Drop: () => Promise<void> = async () => {};
  const S3_NODES = ['node-s1', 'node-s2'];

  beforeAll(async () => {
    s3 = await startS3();
    s3World = new E2eWorld();
    hooks = new Receiver();
    const schema = await freshSchema();
    s3Drop = schema.drop;
    s3Db = new SQL(schema.url, { max: 2 });
    s3Rig = new ClusterRig(s3World, schema.url, {
      ...s3.env,
      MAX_RUNNING_SESSIONS: '1',
      LEASE_TTL_MS: '6000',
      LEASE_RENEW_MS: '2000',
      LEASE_CLAIM_MS: '500',
    });
    s3Rig.allowControl(S3_NODES, ['s3a']);
    await Promise.all(S3_NODES.map((id) => s3Rig.start(id)));
  }, 120_000);

  afterAll(async () => {
    await s3Rig?.dispose();
    await s3Db?.close();
    await s3Drop();
    await hooks?.stop();
    await s3World?.dispose();
    await s3?.[Symbol.asyncDispose]();
  });

  test('kill -9 of the node: the session is WORKING on the other without a QR, its login restored from the bucket', async () => {
    const webhooks = [{ url: hooks.url, events: ['session.status'], retries: { policy: 'constant', delaySeconds: 1, attempts: 30 } }];
    const page = s3World.sim.nextPage();
    expect((await s3Rig.api('node-s1', 'POST', '/api/sessions', { name: 's3a', config: { webhooks } })).status).toBe(201);
    const info = await page;
    await s3Rig.until(async () => (await s3Rig.session('node-s1', 's3a'))?.status === 'SCAN_QR_CODE', 'SCAN_QR_CODE', 30_000);
    await s3World.sim.control(info.profileId).scan();
    await s3Rig.until(async () => (await s3Rig.session('node-s1', 's3a'))?.status === 'WORKING', 'WORKING', 30_000);
    // Saved once the login settled: the pointer in PostgreSQL, the blob in the bucket, nothing in session_profiles.
    await s3Rig.until(
      async () => (await s3Db`SELECT count(*)::int AS n FROM session_profile_objects`)[0].n === 1,
      'the pointer committed',
      60_000,
    );
    const [{ key }] = await s3Db`SELECT key FROM session_profile_objects WHERE session = 's3a'`;
    expect(await s3Client(s3.location).exists(key)).toBe(true);
    expect((await s3Db`SELECT count(*)::int AS n FROM session_profiles`)[0].n).toBe(0);

    const mark = hooks.arrivals.length;
    const first = s3Rig.node('node-s1');
    first.child.kill('SIGKILL');
    await first.child.proc.exited;
    await s3Rig.until(
      async () => {
        const s = await s3Rig.session('node-s2', 's3a');
        return s?.status === 'WORKING' && s.assignedWorker === 'node-s2';
      },
      's3a WORKING on node-s2',
      90_000,
    );
    const statuses = () =>
      hooks.arrivals
        .slice(mark)
        .filter((x) => x.json.event === 'session.status')
        .map((x) => x.json.payload.status);
    await hooks.until(() => statuses().includes('WORKING'), 'the WORKING webhook after the failover', 30_000);
    expect(statuses()).not.toContain('SCAN_QR_CODE');
    const restored = s3Rig.lines().find((l) => l.msg === 'login profile restored' && l.session === 's3a');
    expect(restored).toMatchObject({ worker: 'node-s2' });
    expect(JSON.stringify(s3Rig.lines())).not.toContain(s3.location.secretAccessKey);
  }, 240_000);
});
