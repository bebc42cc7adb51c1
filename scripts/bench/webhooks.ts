/**
 * The webhook outbox: how fast events are written (one committed transaction each, the store's
 * real pragmas), how fast one target drains them to a local receiver, and what a dead receiver
 * costs (disk grows, the heap does not).
 *   bun scripts/bench/webhooks.ts [--quick] [--no-write]
 */
import { heapStats } from 'bun:jsc';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookDispatcher } from '../../src/events/dispatcher';
import { WebhookOutbox } from '../../src/events/outbox';
import type { WebhookConfig } from '../../src/events/targets';
import { silentLogger } from '../../src/log';
import { openSqliteStore, STORE_FILE } from '../../src/store/sqlite';
import { median } from './harness';
import { machineLines, writeSection } from './report';

const quick = process.argv.includes('--quick');
const N = quick ? 2000 : 10_000;
const env = () => ({ version: 'bench', engine: 'WEBJS' as const, tier: 'CORE' as const, browser: 'none' });
const payload = { id: 'false_14155550123@c.us_3EB0C767D26A1D5B1C2F', body: 'hello '.repeat(20), fromMe: false, hasMedia: false, ack: 1 };

async function rig(hooks: WebhookConfig[]) {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-bench-hooks-'));
  const store = openSqliteStore(dir);
  const outbox = await WebhookOutbox.open({ store: store.outbox, webhooksOf: () => hooks, environment: env, log: silentLogger });
  const dispatcher = new WebhookDispatcher({ outbox, timeoutMs: 5000, log: silentLogger });
  return {
    dir,
    store,
    outbox,
    dispatcher,
    dispose: () => {
      store.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const heapMb = () => {
  Bun.gc(true);
  return heapStats().heapSize / 2 ** 20;
};

// 1. Writes, then a drain to a receiver that answers at once.
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: async (r) => {
    await r.arrayBuffer();
    return new Response('ok');
  },
});
const live = await rig([{ url: `http://127.0.0.1:${receiver.port}/hook`, events: ['*'], hmac: { key: 'bench' } }]);
const writeUs: number[] = [];
const w0 = performance.now();
for (let i = 0; i < N; i++) {
  const t = performance.now();
  await live.outbox.publish({ session: 'default', event: 'message', payload, me: null, metadata: {}, timestamp: Date.now() });
  writeUs.push((performance.now() - t) * 1000);
}
const writeSec = (performance.now() - w0) / 1000;
const d0 = performance.now();
live.dispatcher.start();
while (live.outbox.stats().pending > 0) await Bun.sleep(5); // a benchmark may poll; tests never do
const drainSec = (performance.now() - d0) / 1000;
await live.dispatcher.stop();
live.dispose();
await receiver.stop(true);

// 2. A dead receiver: rows wait on disk behind the head row's one-hour retry.
const deadRig = await rig([
  { url: 'http://127.0.0.1:9/hook', events: ['*'], retries: { policy: 'constant', delaySeconds: 3600, attempts: 1 } },
]);
deadRig.dispatcher.start();
const heapBefore = heapMb();
for (let i = 0; i < N; i++)
  await deadRig.outbox.publish({ session: 'default', event: 'message', payload, me: null, metadata: {}, timestamp: Date.now() });
const heapAfter = heapMb();
const fileMb =
  ['', '-wal'].reduce((s, x) => {
    try {
      return s + statSync(join(deadRig.dir, STORE_FILE + x)).size;
    } catch {
      return s;
    }
  }, 0) /
  2 ** 20;
await deadRig.dispatcher.stop();
deadRig.dispose();

const rows = [
  `| events written (1 target, one transaction each) | ${N} in ${writeSec.toFixed(2)} s: ${Math.round(N / writeSec)}/s, median ${median(writeUs).toFixed(0)} µs |`,
  `| delivered to a local receiver (one in flight) | ${Math.round(N / drainSec)}/s |`,
  `| ${N} events pending for a dead receiver | store file ${fileMb.toFixed(1)} MB on disk; JS heap ${heapBefore.toFixed(1)} → ${heapAfter.toFixed(1)} MB |`,
];
const body = [
  ...machineLines(),
  `- store: WAL, synchronous=FULL (src/store); event body ${JSON.stringify(payload).length} B of payload`,
  '',
  '| what | result |',
  '|---|---|',
  ...rows,
].join('\n');
console.log(body);
if (!process.argv.includes('--no-write')) await writeSection('Webhook outbox', body);
