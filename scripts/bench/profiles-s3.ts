/**
 * Login profiles in S3 against PostgreSQL (BENCHMARKS.md, "Login profiles in S3"): how large a
 * profile is and how long its save and its restore take, per session, with each store.
 *
 *   bun scripts/bench/profiles-s3.ts --postgres postgres://user:pass@127.0.0.1:5432/db [--rounds 3] [--repeat 5]
 *
 * - Real sessions: two nodes (`bun src/index.ts`, real Chromium, the simulator), three paired
 *   sessions, then `--rounds` graceful hand-overs (SIGTERM of the node that runs them: saved at the
 *   stop, restored by the other). Figures from the nodes' "login profile saved/restored" lines, per
 *   store: the profiles in PostgreSQL, then in the bucket (the s3rver fixture on loopback).
 * - Larger blobs: the simulator's logins are a few KiB, a real account's IndexedDB holds megabytes;
 *   save and load of incompressible blobs of 1 KiB to 64 MiB (PROFILE_MAX_MB's default) through each
 *   store's binding, `--repeat` times each, medians.
 *
 * Results: scripts/bench/results/profiles-s3.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { SQL } from 'bun';
import { PostgresLeases } from '../../src/cluster/leases';
import { PostgresProfiles, type ProfileStore } from '../../src/cluster/profiles';
import { S3Profiles, s3Client } from '../../src/cluster/profiles-s3';
import { silentLogger } from '../../src/log';
import { openPostgresStore } from '../../src/store/postgres';
import { ClusterRig } from '../../test/support/cluster';
import { startS3, type TestS3 } from '../../test/support/s3';
import { E2eWorld } from '../../test/support/world';
import { arg, postgresServer } from './args';

const SERVER = postgresServer();
const ROUNDS = Number(arg('rounds', '3'));
const REPEAT = Number(arg('repeat', '5'));
const SESSIONS = ['p1', 'p2', 'p3'];
const NODES = ['node-a', 'node-b'];
const SIZES = [1024, 1 << 20, 16 << 20, 64 << 20];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

/** A schema of its own on the server, dropped at the end. */
async function schema(admin: SQL): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `wabun_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.unsafe(`CREATE SCHEMA ${name}`);
  const u = new URL(SERVER);
  u.searchParams.set('options', `-c search_path=${name}`);
  return { url: u.href, drop: async () => void (await admin.unsafe(`DROP SCHEMA IF EXISTS ${name} CASCADE`)) };
}

/** Real sessions on two nodes, handed over `ROUNDS` times; the nodes' own figures. */
async function sessions(admin: SQL, s3: TestS3 | null) {
  const { url, drop } = await schema(admin);
  const world = new E2eWorld();
  const rig = new ClusterRig(world, url, { ...(s3?.env ?? {}), MAX_RUNNING_SESSIONS: String(SESSIONS.length), WAHA_LOG_LEVEL: 'info' });
  const db = new SQL(url, { max: 2 });
  try {
    rig.allowControl(NODES, SESSIONS);
    for (const id of NODES) await rig.start(id);
    for (const name of SESSIONS) {
      const page = world.sim.nextPage(undefined, 60_000);
      const r = await rig.api('node-a', 'POST', '/api/sessions', { name });
      if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${JSON.stringify(r.json)}`);
      const info = await page;
      await rig.until(async () => (await rig.session('node-a', name))?.status === 'SCAN_QR_CODE', `${name} QR`, 60_000);
      await world.sim.control(info.profileId).scan();
      await rig.until(async () => (await rig.session('node-a', name))?.status === 'WORKING', `${name} WORKING`, 60_000);
    }
    const table = s3 ? 'session_profile_objects' : 'session_profiles';
    await rig.until(async () => (await db.unsafe(`SELECT count(*)::int AS n FROM ${table}`))[0].n === SESSIONS.length, 'saved', 90_000);
    let from = 'node-a';
    for (let round = 0; round < ROUNDS; round++) {
      const to = NODES.find((n) => n !== from)!;
      const node = rig.node(from);
      node.child.kill('SIGTERM');
      await node.child.proc.exited;
      for (const name of SESSIONS)
        await rig.until(async () => (await rig.session(to, name))?.status === 'WORKING', `${name} WORKING on ${to}`, 90_000);
      await rig.start(from);
      from = to;
    }
    const lines = rig.lines();
    const saved = lines.filter((l) => l.msg === 'login profile saved');
    const restored = lines.filter((l) => l.msg === 'login profile restored');
    const qr = lines.filter((l) => l.msg === 'session status' && l.status === 'SCAN_QR_CODE').length;
    return {
      store: s3 ? 's3' : 'postgres',
      saves: saved.length,
      restores: restored.length,
      onDiskBytesMedian: median(saved.map((l) => Number(l.bytes))),
      storedBytesMedian: median(saved.map((l) => Number(l.stored))),
      storedBytesMax: Math.max(...saved.map((l) => Number(l.stored))),
      filesMedian: median(saved.map((l) => Number(l.files))),
      saveMsMedian: median(saved.map((l) => Number(l.ms))),
      saveMsMax: Math.max(...saved.map((l) => Number(l.ms))),
      restoreMsMedian: median(restored.map((l) => Number(l.ms))),
      restoreMsMax: Math.max(...restored.map((l) => Number(l.ms))),
      qrLinesAfterPairing: qr - SESSIONS.length,
    };
  } finally {
    await rig.dispose();
    await world.dispose();
    await db.close();
    await drop();
  }
}

/** Save and load of incompressible blobs through a store's binding, under a real lease. */
async function blobs(admin: SQL, s3: TestS3 | null) {
  const { url, drop } = await schema(admin);
  const store = await openPostgresStore(url, { max: 3 });
  try {
    const profiles: ProfileStore = s3
      ? new S3Profiles(store.pool, s3Client(s3.location), s3.location.prefix, silentLogger)
      : new PostgresProfiles(store.pool);
    await store.sessions.insert('s', null, true);
    const epoch = (await new PostgresLeases(store.pool, 'bench', 600_000).claimOne('s'))!;
    const out = [];
    for (const size of SIZES) {
      const data = new Uint8Array(size);
      for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(data.subarray(at, Math.min(size, at + 65_536)));
      const save: number[] = [];
      const restore: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        let t = performance.now();
        await profiles.save('s', { owner: 'bench', epoch }, { data, files: 1, bytes: size });
        save.push(performance.now() - t);
        t = performance.now();
        const back = await profiles.load('s');
        restore.push(performance.now() - t);
        if (back?.byteLength !== size) throw new Error(`read back ${back?.byteLength} bytes of ${size}`);
      }
      out.push({ bytes: size, saveMsMedian: Number(median(save).toFixed(1)), loadMsMedian: Number(median(restore).toFixed(1)) });
    }
    return { store: s3 ? 's3' : 'postgres', sizes: out };
  } finally {
    await store.close();
    await drop();
  }
}

const admin = new SQL(SERVER, { max: 2 });
await using s3 = await startS3();
const started = load();
const result = {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '' },
  command: `bun scripts/bench/profiles-s3.ts --postgres <url> --rounds ${ROUNDS} --repeat ${REPEAT}`,
  s3Server: 's3rver 3.7.1 behind a SigV4 check (test/support/s3-server.cjs), loopback',
  loadAverageAtStart: started,
  sessions: [await sessions(admin, null), await sessions(admin, s3)],
  blobs: [await blobs(admin, null), await blobs(admin, s3)],
  loadAverageAtEnd: load(),
};
await admin.close();
const file = join(import.meta.dir, 'results', 'profiles-s3.json');
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log(`written to ${file}`);
