/**
 * Memory of one WORKING session on the simulator's busy account (800 contacts, 500 chats,
 * 100k messages in the page), three sides in the same run, interleaved (the order rotates every
 * run): whatsapp-web.js with its default options from a plain Node.js script
 * (webjs-baseline.cjs), wabun (service + its browser) on full chromium, and wabun on the
 * headless shell (its default), all on the same page. Each side: idle after ready, then after
 * the same traffic (incoming messages pushed by the simulator, texts sent). Whole process trees,
 * crashpad handlers included; private = Pss_Anon + Pss_Shmem.
 *   bun scripts/bench/memory.ts [--quick] [--runs N] [--no-write]
 */
import { simContactId } from '../../test/sim';
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import {
  type BenchBrowser,
  BenchRoot,
  BUSY_ACCOUNT,
  round1,
  simPage,
  startBaseline,
  startWabun,
  type TreeMemory,
  webhookReceiver,
} from './sim-rig';
import { commandOf, versions, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const at = args.indexOf('--runs');
const RUNS = at >= 0 ? Number(args[at + 1]) : quick ? 1 : 5;
const SETTLE_MS = quick ? 2000 : 5000;
const IN = quick ? 50 : 300;
const OUT = quick ? 10 : 100;

interface Side {
  idle: TreeMemory;
  after: TreeMemory;
  idleService: TreeMemory;
  afterService: TreeMemory;
  readyMs: number;
  governorActions?: string[];
  browser?: string;
}

const root = new BenchRoot();

async function incoming(control: ReturnType<ReturnType<typeof simPage>['server']['control']>, n: number) {
  for (let i = 0; i < n; i++) await control.receive({ from: simContactId(i % 50), body: `traffic ${i} ${'x'.repeat(i % 120)}` });
}

async function runWabun(browser: BenchBrowser): Promise<Side> {
  const dir = root.sub(`wabun-${browser}`);
  const page = simPage(root, { autoScan: true, account: BUSY_ACCOUNT });
  let hooks = 0;
  const receiver = webhookReceiver(() => {
    hooks++;
  });
  const svc = await startWabun(dir, page.dir, page.version, {}, browser);
  try {
    const t0 = performance.now();
    await svc.startSession('s1', { webhooks: [{ url: receiver.url, events: ['message'] }] });
    await svc.waitStatus('s1', 'WORKING');
    const readyMs = performance.now() - t0;
    await page.server.waitForPage();
    await Bun.sleep(SETTLE_MS);
    const idle = svc.memory(),
      idleService = svc.serviceOnly();
    const control = page.server.control();
    await incoming(control, IN);
    for (let i = 0; i < OUT; i++)
      await svc.api('POST', '/api/sendText', { session: 's1', chatId: simContactId(i % 20), text: `sent ${i}` });
    const until = performance.now() + 30_000;
    while (hooks < IN && performance.now() < until) await Bun.sleep(50);
    if (hooks < IN) console.warn(`wabun: only ${hooks}/${IN} webhooks arrived`);
    await Bun.sleep(SETTLE_MS);
    const after = svc.memory(),
      afterService = svc.serviceOnly();
    const report = await svc.api('GET', '/api/server/memory');
    const governorActions = (report.governor?.recent_actions ?? []).map((a: { step: string }) => a.step);
    return { idle, after, idleService, afterService, readyMs, governorActions, browser: svc.browser };
  } finally {
    await svc.stop();
    await page.server.stop();
    receiver.stop();
    root.sweep(dir);
  }
}

async function runBaseline(): Promise<Side> {
  const dir = root.sub('baseline');
  const page = simPage(root, { autoScan: true, account: BUSY_ACCOUNT });
  const t0 = performance.now();
  const b = await startBaseline(dir, page.dir, page.version);
  try {
    await b.next('ready');
    const readyMs = performance.now() - t0;
    await page.server.waitForPage();
    await Bun.sleep(SETTLE_MS);
    const idle = b.memory(),
      idleService = b.serviceOnly();
    await incoming(page.server.control(), IN);
    b.send({ cmd: 'send', n: OUT, text: 'sent', chats: Array.from({ length: 20 }, (_, i) => simContactId(i)) });
    await b.next('sent');
    await Bun.sleep(SETTLE_MS);
    const after = b.memory(),
      afterService = b.serviceOnly();
    return { idle, after, idleService, afterService, readyMs };
  } finally {
    await b.stop();
    await page.server.stop();
    root.sweep(dir);
  }
}

type Name = 'baseline' | BenchBrowser;
const SIDES: Name[] = ['baseline', 'full', 'shell'];
const LABEL: Record<Name, string> = {
  baseline: 'baseline ',
  full: 'wabun full',
  shell: 'wabun shell',
};
const runs: Record<Name, Side[]> = { baseline: [], full: [], shell: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order: drift on a shared machine hits every side alike.
    const order = SIDES.map((_, k) => SIDES[(k + i) % SIDES.length]!);
    for (const name of order) {
      const r = name === 'baseline' ? await runBaseline() : await runWabun(name);
      runs[name].push(r);
      console.log(
        `run ${i + 1} ${LABEL[name]}: idle ${r.idle.privateMb} MB private / ${r.idle.pssMb} MB PSS (${r.idle.processes} proc), after traffic ${r.after.privateMb} / ${r.after.pssMb} MB; ready in ${(r.readyMs / 1000).toFixed(1)} s${r.governorActions?.length ? `; governor: ${r.governorActions.join(', ')}` : ''}`,
      );
    }
  }
} finally {
  root.dispose();
}

const med = (xs: Side[], pick: (s: Side) => number) => round1(median(xs.map(pick)));
const summarize = (xs: Side[]) => ({
  idle_private_mb: med(xs, (s) => s.idle.privateMb),
  idle_pss_mb: med(xs, (s) => s.idle.pssMb),
  after_private_mb: med(xs, (s) => s.after.privateMb),
  after_pss_mb: med(xs, (s) => s.after.pssMb),
  idle_service_private_mb: med(xs, (s) => s.idleService.privateMb),
  after_service_private_mb: med(xs, (s) => s.afterService.privateMb),
  processes: median(xs.map((s) => s.idle.processes)),
  ready_s: round1(median(xs.map((s) => s.readyMs)) / 1000),
});
const B = summarize(runs.baseline),
  F = summarize(runs.full),
  S = summarize(runs.shell);
type Summary = typeof B;
const ratios = (W: Summary) => {
  const r = (k: keyof Summary) => Math.round((W[k] / B[k]) * 100) / 100;
  return {
    idle_private: r('idle_private_mb'),
    idle_pss: r('idle_pss_mb'),
    after_private: r('after_private_mb'),
    after_pss: r('after_pss_mb'),
  };
};
const result = {
  runs: RUNS,
  account: BUSY_ACCOUNT,
  traffic: { incoming: IN, sent: OUT },
  settle_ms: SETTLE_MS,
  command: commandOf('memory.ts', args),
  browsers: { full: runs.full[0]?.browser, shell: runs.shell[0]?.browser },
  baseline: B,
  full: F,
  shell: S,
  ratio: { full: ratios(F), shell: ratios(S) },
  governor_actions: { full: runs.full.map((s) => s.governorActions ?? []), shell: runs.shell.map((s) => s.governorActions ?? []) },
  raw: runs,
};
console.log(JSON.stringify({ baseline: B, full: F, shell: S, ratio: result.ratio }));

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  await writeResult('memory', result);
  // On the megabytes, not the rounded ratios: 0.502 rounds to 0.5.
  const worst = (W: Summary) => Math.max(W.idle_private_mb / B.idle_private_mb, W.after_private_mb / B.after_private_mb);
  const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
  const steps = (xs: string[][]) => xs.map((a) => a.join('+') || 'none').join('; ');
  const { full: rf, shell: rs } = result.ratio;
  await writeSection(
    '1. Memory: one WORKING session vs whatsapp-web.js defaults',
    [
      `One session on the simulator's busy account (${BUSY_ACCOUNT.contacts} contacts, ${BUSY_ACCOUNT.chats} chats, ${BUSY_ACCOUNT.groups} groups, ${BUSY_ACCOUNT.messagesPerChat} messages each), WORKING, ` +
        `three sides on the same page in the same run, interleaved (the order rotates every run): whatsapp-web.js ${versions().whatsappWebJs} with its default options from a plain Node.js script ` +
        '(`scripts/bench/webjs-baseline.cjs`: `LocalAuth`, the local page cache, full chromium, `--no-sandbox` and the five offline flags, nothing else), ' +
        `wabun on full chromium (\`PUPPETEER_EXECUTABLE_PATH=${result.browsers.full}\`) and wabun on the headless shell (its own discovery found \`${result.browsers.shell}\`). ` +
        'Whole process trees (service or `node` + every Chromium process + the detached crashpad handlers). Private = Pss_Anon + Pss_Shmem. ' +
        `"Idle": ${SETTLE_MS / 1000} s after ready; "after traffic": ${IN} incoming messages (wabun also delivers each to a webhook receiver) and ${OUT} texts sent, then ${SETTLE_MS / 1000} s. ` +
        'wabun runs with its defaults (MEMORY_GOVERNOR=true, MEMORY_THRESHOLD_MB=300).',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/memory.json\``,
      '',
      `| median of ${RUNS} | baseline (Node.js + whatsapp-web.js defaults) | wabun, full chromium | wabun, headless shell | ratio full / shell |`,
      '|---|---|---|---|---|',
      `| idle, private | ${B.idle_private_mb} MB | ${F.idle_private_mb} MB | ${S.idle_private_mb} MB | ${rf.idle_private}× / ${rs.idle_private}× |`,
      `| after traffic, private | ${B.after_private_mb} MB | ${F.after_private_mb} MB | ${S.after_private_mb} MB | ${rf.after_private}× / ${rs.after_private}× |`,
      `| idle, PSS | ${B.idle_pss_mb} MB | ${F.idle_pss_mb} MB | ${S.idle_pss_mb} MB | ${rf.idle_pss}× / ${rs.idle_pss}× |`,
      `| after traffic, PSS | ${B.after_pss_mb} MB | ${F.after_pss_mb} MB | ${S.after_pss_mb} MB | ${rf.after_pss}× / ${rs.after_pss}× |`,
      `| of which the service / node process, private (idle → after) | ${B.idle_service_private_mb} → ${B.after_service_private_mb} MB | ${F.idle_service_private_mb} → ${F.after_service_private_mb} MB | ${S.idle_service_private_mb} → ${S.after_service_private_mb} MB | |`,
      `| processes | ${B.processes} | ${F.processes} | ${S.processes} | |`,
      `| start to ready | ${B.ready_s} s | ${F.ready_s} s | ${S.ready_s} s | |`,
      '',
      `Aim: one busy session on the headless shell ≤ 0.5× the baseline (private, worst of idle and after traffic: ${worst(S).toFixed(3)}×): ${verdict(worst(S) <= 0.5)}. ` +
        `On full chromium: ${worst(F).toFixed(3)}×.`,
      `Governor steps during the wabun runs (per run): full: ${steps(result.governor_actions.full)}; shell: ${steps(result.governor_actions.shell)}. ` +
        'The "cleanup" step (70 % of MEMORY_THRESHOLD_MB: in-page trim, page GC, HTTP cache dropped) is part of the defaults, so a figure taken after it is what a deployment gets.',
      '',
      'Private memory is the stable figure here. PSS also splits the Chromium binary and libraries mapped by every Chromium on the machine, so it moves with whatever else runs (other test suites on this shared machine): compare PSS only within one run.',
    ].join('\n'),
  );
}
