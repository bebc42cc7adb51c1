/**
 * The webhook outbox on each store binding: how fast events are written (one committed
 * transaction each, the store's real settings), how fast one target drains them to a local
 * receiver, and what a dead receiver costs (storage grows, the heap does not).
 *   bun scripts/bench/webhooks.ts [--quick] [--no-write] [--postgres <url>]
 * PostgreSQL runs when a URL is given (or WABUN_BENCH_POSTGRES_URL is set), in a schema of its
 * own that is dropped afterwards; the section records the server's durability settings, since a
 * commit's cost is mostly its WAL flush.
 */

import { heapStats } from 'bun:jsc';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQL } from 'bun';
import { WebhookDispatcher } from '../../src/events/dispatcher';
import { WebhookOutbox } from '../../src/events/outbox';
import type { WebhookConfig } from '../../src/events/targets';
import { silentLogger } from '../../src/log';
import { openPostgresStore } from '../../src/store/postgres';
import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite';
import type { Store } from '../../src/store/types';
import { median } from './harness';
import { machineLines, writeSection } from './report';

const quick = process.argv.includes('--quick');
const N = quick ? 2000 : 10_000;
const flag = process.argv.indexOf('--postgres');
const postgresUrl = (flag === -1 ? '' : process.argv[flag + 1]) || process.env.WABUN_BENCH_POSTGRES_URL || '';
const env = () => ({ version: 'bench', engine: 'WEBJS' as const, tier: 'CORE' as const, browser: 'none' });
const payload = { id: 'false_14155550123@c.us_3EB0C767D26A1D5B1C2F', body: 'hello '.repeat(20), fromMe: false, hasMedia: false, ack: 1 };

/** A fresh, empty store of one binding, and what its outbox occupies on disk. */
interface BenchStore {
  store: Store;
  storedMb(): Promise<number>;
  dispose(): Promise<void>;
}

function sqliteStore(): BenchStore {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-bench-hooks-'));
  const store = openSqliteStore(dir);
  const size = (f: string) => {
    try {
      return statSync(join(dir, f)).size;
    } catch {
      return 0;
    }
  };
  return {
    store,
    storedMb: async () => (size(STORE_FILE) + size(`${STORE_FILE}-wal`)) / 2 ** 20,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresStore(): Promise<BenchStore> {
  const admin = new SQL(postgresUrl, { max: 1 });
  const schema = `wabun_bench_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  const u = new URL(postgresUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const store = await openPostgresStore(u.href);
  return {
    store,
    storedMb: async () => {
      const [{ bytes }] = await store.sql`SELECT pg_total_relation_size('webhook_outbox')::float8 AS bytes`;
      return bytes / 2 ** 20;
    },
    dispose: async () => {
      await store.close();
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}

const heapMb = () => {
  Bun.gc(true);
  return heapStats().heapSize / 2 ** 20;
};

async function rig(open: () => Promise<BenchStore>, hooks: WebhookConfig[]) {
  const s = await open();
  const outbox = await WebhookOutbox.open({ store: s.store.outbox, webhooksOf: () => hooks, environment: env, log: silentLogger });
  const dispatcher = new WebhookDispatcher({ outbox, timeoutMs: 5000, log: silentLogger });
  return { ...s, outbox, dispatcher };
}

const publish = (outbox: WebhookOutbox) =>
  outbox.publish({ session: 'default', event: 'message', payload, me: null, metadata: {}, timestamp: Date.now() });
/** An incoming message (an id and a time): its write also records it in the published-message ledger. */
const publishIncoming = (outbox: WebhookOutbox, i: number) =>
  outbox.publish({
    session: 'default',
    event: 'message',
    payload: { ...payload, id: `false_14155550123@c.us_BENCH${i}`, timestamp: 1_700_000_000 + i },
    me: null,
    metadata: {},
    timestamp: Date.now(),
  });

/** Runs `write` n times, one after another: the rate and the median write time (µs). */
async function timed(n: number, write: (i: number) => Promise<unknown>): Promise<{ sec: number; medianUs: number }> {
  const us: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await write(i);
    us.push((performance.now() - t) * 1000);
  }
  return { sec: (performance.now() - t0) / 1000, medianUs: median(us) };
}

/** The three measurements on one binding, as table rows. */
async function measure(name: string, open: () => Promise<BenchStore>): Promise<string[]> {
  // 1. Writes, then a drain to a receiver that answers at once.
  const receiver = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (r) => {
      await r.arrayBuffer();
      return new Response('ok');
    },
  });
  const live = await rig(open, [{ url: `http://127.0.0.1:${receiver.port}/hook`, events: ['*'], hmac: { key: 'bench' } }]);
  const plain = await timed(N, () => publish(live.outbox));
  const incoming = await timed(N, (i) => publishIncoming(live.outbox, i));
  const d0 = performance.now();
  live.dispatcher.start();
  while (live.outbox.stats().pending > 0) await Bun.sleep(5); // a benchmark may poll; tests never do
  const drainSec = (performance.now() - d0) / 1000;
  await live.dispatcher.stop();
  await live.dispose();
  await receiver.stop(true);

  // 2. A dead receiver: rows wait in the store behind the head row's one-hour retry.
  const dead = await rig(open, [
    { url: 'http://127.0.0.1:9/hook', events: ['*'], retries: { policy: 'constant', delaySeconds: 3600, attempts: 1 } },
  ]);
  dead.dispatcher.start();
  const heapBefore = heapMb();
  for (let i = 0; i < N; i++) await publish(dead.outbox);
  const heapAfter = heapMb();
  const storedMb = await dead.storedMb();
  await dead.dispatcher.stop();
  await dead.dispose();

  const rate = (w: { sec: number; medianUs: number }) =>
    `${N} in ${w.sec.toFixed(2)} s: ${Math.round(N / w.sec)}/s, median ${w.medianUs.toFixed(0)} µs`;
  return [
    `| ${name} | events written (1 target, one transaction each) | ${rate(plain)} |`,
    `| ${name} | incoming messages written (1 target and the ledger entry, one transaction each) | ${rate(incoming)} |`,
    `| ${name} | delivered to a local receiver (one in flight) | ${Math.round((2 * N) / drainSec)}/s |`,
    `| ${name} | ${N} events pending for a dead receiver | outbox ${storedMb.toFixed(1)} MB stored; JS heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB |`,
  ];
}

const notes = ['- SQLite: WAL, synchronous=FULL (src/store/sqlite), a file in the temp folder'];
const rows = await measure('SQLite', async () => sqliteStore());
if (postgresUrl) {
  const probe = new SQL(postgresUrl, { max: 1 });
  const [s] = await probe`SELECT current_setting('server_version') AS v, current_setting('fsync') AS fsync,
    current_setting('synchronous_commit') AS sc, inet_server_addr() AS host`;
  await probe.close();
  notes.push(
    `- PostgreSQL ${s.v} at ${s.host ?? 'a unix socket'} (same machine): fsync=${s.fsync}, synchronous_commit=${s.sc}; Bun's SQL client, pool of 10`,
  );
  rows.push(...(await measure('PostgreSQL', postgresStore)));
} else notes.push('- PostgreSQL: not measured (pass --postgres <url>)');

const body = [
  ...machineLines(),
  ...notes,
  `- event body ${JSON.stringify(payload).length} B of payload`,
  '',
  '| store | what | result |',
  '|---|---|---|',
  ...rows,
].join('\n');
console.log(body);
if (!process.argv.includes('--no-write') && !quick) await writeSection('Webhook outbox: SQLite and PostgreSQL', body);
