/**
 * The cluster's figures (BENCHMARKS.md, "Cluster"): three nodes (`bun src/index.ts`, each with
 * real Chromium and its own data folder) on one PostgreSQL schema and the simulator, with the
 * default lease settings (LEASE_TTL_MS 15 s, LEASE_RENEW_MS 5 s, LEASE_CLAIM_MS 2 s) and
 * MAX_RUNNING_SESSIONS=2 per node.
 *
 *   bun scripts/bench/cluster.ts --postgres postgres://user:pass@127.0.0.1:5432/db [--rounds 5] [--burst 1000]
 *
 * - kill -9 of the node that runs two sessions → both WORKING on the others (median of rounds);
 *   the killed node is started again between rounds.
 * - a burst of messages into one session with a kill -9 of its node part-way: how many arrive,
 *   how many are lost (never committed by the dead node), duplicates.
 * - login profile size and save time per session (the nodes' "login profile saved" lines).
 * - sessions per node; requests per second for GET /api/sessions/{name} through the owner and
 *   through a node that forwards it.
 */
import { SQL } from 'bun';
import { simContactId } from '../../test/sim/index';
import { ClusterRig } from '../../test/support/cluster';
import { Receiver } from '../../test/support/webhooks';
import { E2eWorld } from '../../test/support/world';
import { arg, postgresServer } from './args';

const SERVER = postgresServer();
const ROUNDS = Number(arg('rounds', '5'));
const BURST = Number(arg('burst', '1000'));
const NODES = ['node-a', 'node-b', 'node-c'];
const SESSIONS = ['b1', 'b2', 'b3', 'b4'];
const PEER = simContactId(1);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const schema = `wabun_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
const admin = new SQL(SERVER, { max: 2 });
await admin.unsafe(`CREATE SCHEMA ${schema}`);
const u = new URL(SERVER);
u.searchParams.set('options', `-c search_path=${schema}`);
const db = new SQL(u.href, { max: 2 });
const world = new E2eWorld();
const receiver = new Receiver();
const rig = new ClusterRig(world, u.href, { MAX_RUNNING_SESSIONS: '2', WAHA_LOG_LEVEL: 'info' });
const profiles = new Map<string, string>();
const load = () => (require('node:os') as typeof import('node:os')).loadavg().map((x) => x.toFixed(2));

const owners = async () => {
  const rows: { name: string; owner: string | null }[] = await db`SELECT name, owner FROM sessions WHERE lease_expires_at > now()`;
  return new Map(rows.map((r) => [r.name, r.owner]));
};

try {
  console.log(`load average at start: ${load().join(' ')}`);
  rig.allowControl(NODES, SESSIONS);
  for (const id of NODES) await rig.start(id);
  const webhooks = [
    { url: receiver.url, events: ['message', 'session.status'], retries: { policy: 'constant', delaySeconds: 1, attempts: 60 } },
  ];
  for (const name of SESSIONS) {
    const page = world.sim.nextPage(undefined, 60_000);
    const r = await rig.api('node-a', 'POST', '/api/sessions', { name, config: { webhooks } });
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.json)}`);
    const info = await page;
    profiles.set(name, info.profileId);
    await rig.until(async () => (await rig.session('node-a', name))?.status === 'SCAN_QR_CODE', `${name} QR`, 60_000);
    await world.sim.control(info.profileId).scan();
    await rig.until(async () => (await rig.session('node-a', name))?.status === 'WORKING', `${name} WORKING`, 60_000);
  }
  await rig.until(
    async () => (await db`SELECT count(*)::int AS n FROM session_profiles`)[0].n === SESSIONS.length,
    'profiles saved',
    90_000,
  );
  const spread = await owners();
  const perNode = NODES.map((id) => `${id}: ${[...spread.values()].filter((o) => o === id).length}`);
  console.log(`sessions per node after start-up (all created through node-a): ${perNode.join(', ')}`);

  // Requests per second: the owner answering itself vs a node forwarding to it.
  const target = SESSIONS[0]!;
  const ownerId = spread.get(target)!;
  const other = NODES.find((id) => id !== ownerId)!;
  const rps = async (via: string, ms = 5000, concurrency = 8) => {
    let n = 0;
    const end = performance.now() + ms;
    const url = `${rig.node(via).base}/api/sessions/${target}`;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.status === 200) n++;
        }
      }),
    );
    return Math.round(n / (ms / 1000));
  };
  await rps(ownerId, 1000);
  const direct = await rps(ownerId);
  const forwarded = await rps(other);
  console.log(
    `GET /api/sessions/${target}, 8 in flight, 5 s: through the owner (${ownerId}) ${direct} req/s; through ${other} (forwarded) ${forwarded} req/s`,
  );

  // kill -9 → WORKING elsewhere.
  const times: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const now = await owners();
    const victim = NODES.map((id) => [id, [...now.values()].filter((o) => o === id).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
    const moving = [...now].filter(([, o]) => o === victim).map(([n]) => n);
    const watcher = NODES.find((id) => id !== victim)!;
    const node = rig.node(victim);
    const t0 = performance.now();
    node.child.kill('SIGKILL');
    await node.child.proc.exited;
    await rig.until(
      async () => {
        for (const n of moving) {
          const s = await rig.session(watcher, n);
          if (s?.status !== 'WORKING' || s.assignedWorker === victim) return false;
        }
        return true;
      },
      `round ${round}: ${moving.join(', ')} WORKING elsewhere`,
      120_000,
    );
    const ms = performance.now() - t0;
    times.push(ms);
    console.log(`round ${round}: kill -9 of ${victim} (${moving.join(', ')}) → WORKING elsewhere in ${(ms / 1000).toFixed(1)} s`);
    await rig.start(victim);
  }
  console.log(
    `kill -9 → WORKING elsewhere: median of ${ROUNDS} ${(median(times) / 1000).toFixed(1)} s (${times.map((t) => (t / 1000).toFixed(1)).join(', ')})`,
  );

  // A burst across a kill.
  const now = await owners();
  const burstSession = SESSIONS.find((n) => now.get(n))!;
  const burstOwner = now.get(burstSession)!;
  const sim = world.sim.control(profiles.get(burstSession)!);
  const tag = `burst-${crypto.randomUUID().slice(0, 6)}`;
  const counter = (body: unknown) => {
    const m = new RegExp(`^${tag} #(\\d+)$`).exec(String(body ?? ''));
    return m ? Number(m[1]) : null;
  };
  const pushed: number[] = [];
  let killed = false;
  const killAt = Math.floor(BURST * 0.4);
  for (let i = 0; i < BURST; i++) {
    if (i === killAt) {
      rig.node(burstOwner).child.kill('SIGKILL');
      killed = true;
      await rig.node(burstOwner).child.proc.exited;
      const watcher = NODES.find((id) => id !== burstOwner)!;
      await rig.until(async () => (await rig.session(watcher, burstSession))?.status === 'WORKING', 'burst session back', 120_000);
    }
    await sim.receive({ from: PEER, body: `${tag} #${i}` });
    pushed.push(i);
  }
  const arrivals = () => receiver.arrivals.filter((a) => a.json.event === 'message' && counter(a.json.payload.body) !== null);
  // Everything pushed after the kill went to the new owner's page: wait for all of it.
  const seen = () => new Set(arrivals().map((a) => counter(a.json.payload.body)));
  await receiver
    .until(() => pushed.filter((c) => c >= killAt).every((c) => seen().has(c)), 'the burst after the kill', 120_000)
    .catch(() => {});
  // Let the outbox rows the dead node left drain through the new owner.
  await rig
    .until(async () => (await db`SELECT count(*)::int AS n FROM webhook_outbox`)[0].n === 0, 'the outbox drained', 120_000)
    .catch(() => {});
  const got = arrivals();
  const distinct = new Set(got.map((a) => counter(a.json.payload.body)));
  const lost = pushed.filter((c) => !distinct.has(c));
  const lostAfter = lost.filter((c) => c >= killAt).length;
  const dupIds = got.length - new Set(got.map((a) => a.id)).size;
  const dupMsgs = got.length - distinct.size;
  console.log(
    `burst of ${BURST} into ${burstSession}, kill -9 of ${burstOwner} after ${killAt} (${killed}): ${distinct.size} arrived, ${lost.length} lost` +
      (lost.length
        ? ` (${lost.length - lostAfter} pushed before the kill, counters ${lost[0]}–${lost.filter((c) => c < killAt).at(-1)}, never committed by the dead node; ${lostAfter} pushed after it)`
        : '') +
      `, ${dupIds} deliveries of an event id already delivered, ${dupMsgs} messages delivered more than once`,
  );

  // Login profiles: what each save wrote and how long it took.
  const saves = rig.lines().filter((l) => l.msg === 'login profile saved');
  const bytes = saves.map((s) => Number(s.bytes));
  const stored = saves.map((s) => Number(s.stored));
  const ms = saves.map((s) => Number(s.ms));
  console.log(
    `login profile saves: ${saves.length}; on disk median ${Math.round(median(bytes) / 1024)} KiB (max ${Math.round(Math.max(...bytes) / 1024)}), stored (gzip) median ${Math.round(median(stored) / 1024)} KiB (max ${Math.round(Math.max(...stored) / 1024)}), save time median ${median(ms)} ms (max ${Math.max(...ms)}), files median ${median(saves.map((s) => Number(s.files)))}`,
  );
  const restores = rig.lines().filter((l) => l.msg === 'login profile restored').length;
  console.log(`login profile restores: ${restores}; load average at the end: ${load().join(' ')}`);
} finally {
  await rig.dispose();
  await receiver.stop();
  await world.dispose();
  await db.close();
  await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.close();
}
