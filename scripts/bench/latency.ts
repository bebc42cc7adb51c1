/**
 * Latency on one WORKING session (simulator, busy account):
 *   - sendText: POST /api/sendText → engine → Chromium → the simulator's send (the HTTP answer
 *     comes once whatsapp-web.js's sendMessage resolved in the page), at 1, 10 and 50 concurrent
 *     clients, each client on its own chat (the engine keeps per-chat send order, so clients on
 *     one chat would queue behind each other by design);
 *   - incoming message → webhook received: the simulator's receive() until the receiver has the POST.
 *   bun scripts/bench/latency.ts [--quick] [--no-write]
 */
import { simContactId } from '../../test/sim';
import { median, percentile, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { BenchRoot, BUSY_ACCOUNT, simPage, startWabun, webhookReceiver } from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const CONCURRENCY = [1, 10, 50];
const REQUESTS = (c: number) => (quick ? Math.max(30, c) : Math.max(300, c * 10));
const INCOMING = quick ? 60 : 500;
const INCOMING_RATE = 20; // per second
const r2 = (n: number) => Math.round(n * 100) / 100;

const root = new BenchRoot();
const page = simPage(root, { autoScan: true, account: BUSY_ACCOUNT });
const sentAt = new Map<string, number>();
const hookMs: number[] = [];
const receiver = webhookReceiver((body, at) => {
  const text: string | undefined = body?.payload?.body;
  const t = text ? sentAt.get(text) : undefined;
  if (t !== undefined) {
    hookMs.push(at - t);
    sentAt.delete(text!);
  }
});
const svc = await startWabun(root.sub('wabun'), page.dir, page.version);
const send: Record<number, { p50: number; p99: number; requests: number; rps: number }> = {};
let failures = 0;
try {
  await svc.startSession('s1', { webhooks: [{ url: receiver.url, events: ['message'] }] });
  await svc.waitStatus('s1', 'WORKING');
  const control = page.server.control();
  await page.server.waitForPage();
  const post = async (chat: number, i: number) => {
    const t = performance.now();
    const res = await fetch(`${svc.url}/api/sendText`, {
      method: 'POST',
      headers: { 'X-Api-Key': 'bench', 'Content-Type': 'application/json' },
      body: JSON.stringify({ session: 's1', chatId: simContactId(chat), text: `latency ${i}` }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) failures++;
    return performance.now() - t;
  };
  for (let i = 0; i < 20; i++) await post(0, i); // warm-up
  for (const c of CONCURRENCY) {
    const total = REQUESTS(c);
    const times: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async (_, client) => {
        while (next < total) times.push(await post(client, next++));
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    send[c] = { p50: r2(median(times)), p99: r2(percentile(times, 99)), requests: total, rps: Math.round(total / wall) };
    console.log(`sendText, ${c} concurrent: p50 ${send[c]!.p50} ms, p99 ${send[c]!.p99} ms (${total} requests, ${send[c]!.rps}/s)`);
  }
  const outbox = await control.outbox();
  console.log(`simulator outbox: ${outbox.length} messages`);

  // Incoming → webhook, at a steady rate.
  for (let i = 0; i < INCOMING; i++) {
    const body = `incoming ${i} ${crypto.randomUUID()}`;
    sentAt.set(body, performance.now());
    void control.receive({ from: simContactId(i % 50), body });
    await Bun.sleep(1000 / INCOMING_RATE);
  }
  const until = performance.now() + 30_000;
  while (hookMs.length < INCOMING && performance.now() < until) await Bun.sleep(50);
} finally {
  await svc.stop();
  await page.server.stop();
  receiver.stop();
  root.dispose();
}
const hook = { p50: r2(median(hookMs)), p99: r2(percentile(hookMs, 99)), received: hookMs.length, sent: INCOMING, rate: INCOMING_RATE };
console.log(`incoming → webhook: p50 ${hook.p50} ms, p99 ${hook.p99} ms (${hook.received}/${INCOMING})`);
const result = {
  command: commandOf('latency.ts', args),
  account: BUSY_ACCOUNT,
  sendText: send,
  sendFailures: failures,
  incomingToWebhook: hook,
};

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  await writeResult('latency', result);
  await writeSection(
    '4. Latency',
    [
      'One WORKING session on the busy account, on the browser wabun finds (the headless shell). `sendText`: `POST /api/sendText` until the HTTP 201, which wabun answers once',
      "whatsapp-web.js's `sendMessage` resolved in Chromium, i.e. the simulator has the message (its outbox is checked).",
      'Each concurrent client sends to its own chat: wabun keeps per-chat send order, so clients on one chat queue by design.',
      `Incoming: the simulator's \`receive()\` at ${INCOMING_RATE}/s until the webhook receiver (\`Bun.serve\`, port 0, same process as the clock) has the POST.`,
      'No target: recorded for comparison between runs.',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/latency.json\``,
      '',
      '| path | concurrency | requests | p50 | p99 | throughput |',
      '|---|---|---|---|---|---|',
      ...CONCURRENCY.map(
        (c) =>
          `| sendText HTTP → Chromium → simulator | ${c} | ${send[c]!.requests} | ${send[c]!.p50} ms | ${send[c]!.p99} ms | ${send[c]!.rps}/s |`,
      ),
      `| incoming message → webhook received | ${INCOMING_RATE}/s | ${hook.received}/${INCOMING} | ${hook.p50} ms | ${hook.p99} ms | |`,
      failures ? `\n${failures} sendText request(s) did not answer 201.` : '',
    ].join('\n'),
  );
}
