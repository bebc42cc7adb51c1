/**
 * Ten sessions, side by side in one run: whatsapp-web.js with its defaults (ten clients in one
 * Node.js process, webjs-baseline.cjs), wabun on full chromium and wabun on the headless shell
 * (ten sessions in one service each). Total memory (the process + every browser, whole trees,
 * crashpad handlers included) with 1 session and with N, and the marginal cost of each extra
 * session. Each session pairs as its own number (`me.number` with x's, derived from its profile).
 * wabun's MEMORY_THRESHOLD_MB is raised so the governor neither trims pages nor recycles browsers
 * while we measure: the figures are the browsers as they are.
 * `--threshold MB` gives wabun a budget instead (its governor then acts as deployed), recorded
 * apart (sessions-governed.json and its own section).
 *   bun scripts/bench/sessions.ts [--quick] [--sessions N] [--small] [--sides baseline,full,shell] [--threshold MB] [--settle-ms MS] [--no-write]
 */
import { loadavg } from 'node:os';
import { writeResult } from './harness';
import { machineLines, writeSection } from './report';
import {
  type BenchBrowser,
  BenchRoot,
  BUSY_ACCOUNT,
  round1,
  SMALL_ACCOUNT,
  simPage,
  startBaseline,
  startWabun,
  type TreeMemory,
} from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(opt('--sessions') ?? (quick ? 2 : 10));
const small = args.includes('--small') || quick;
const account = small ? SMALL_ACCOUNT : BUSY_ACCOUNT;
const SETTLE_MS = Number(opt('--settle-ms') ?? (quick ? 3000 : 8000));
/** wabun's MEMORY_THRESHOLD_MB: by default far above what ten sessions use, so the governor stays out of it. */
const THRESHOLD = opt('--threshold') ?? '65536';
const governed = THRESHOLD !== '65536';
const SIDES = (opt('--sides') ?? 'baseline,full,shell').split(',') as Side[];
/** The aims against the baseline (busy account): N sessions and the marginal one. */
const AIM = { all: 0.45, marginal: 0.45 };

type Side = 'baseline' | BenchBrowser;
const LABEL: Record<Side, string> = {
  baseline: 'whatsapp-web.js defaults (Node.js)',
  full: 'wabun, full chromium',
  shell: 'wabun, headless shell',
};

interface Step extends TreeMemory {
  sessions: number;
}
interface SideResult {
  side: Side;
  browser: string;
  one: Step;
  all: Step;
  marginal: { private_mb: number; pss_mb: number };
  load: string;
  /** wabun: the governor's steps during the run (most recent 20). */
  governor?: string[];
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function measure(side: Side, root: BenchRoot): Promise<SideResult> {
  const page = simPage(root, { autoScan: true, account, me: { number: '1555000xxxx' } });
  const steps: Step[] = [];
  const take = async (sessions: number, memory: () => TreeMemory) => {
    await Bun.sleep(SETTLE_MS);
    const m = memory();
    steps.push({ sessions, ...m });
    console.log(`${LABEL[side]}: ${sessions} session(s): ${m.privateMb} MB private, ${m.pssMb} MB PSS, ${m.processes} processes`);
  };
  let browser: string;
  let governor: string[] | undefined;
  if (side === 'baseline') {
    const b = await startBaseline(root.sub('baseline'), page.dir, page.version, N);
    browser = '/usr/lib/chromium/chromium';
    try {
      await b.next('ready', 120_000);
      await page.server.waitForPage();
      await take(1, b.memory);
      b.send({ cmd: 'more', n: N - 1 });
      await b.next('more_ready', 120_000 * N);
      await take(N, b.memory);
    } finally {
      await b.stop();
    }
  } else {
    const svc = await startWabun(root.sub(side), page.dir, page.version, { MEMORY_THRESHOLD_MB: THRESHOLD }, side);
    browser = svc.browser;
    try {
      for (let i = 1; i <= N; i++) {
        await svc.startSession(`s${i}`);
        await svc.waitStatus(`s${i}`, 'WORKING', 120_000);
        if (i === 1) await take(1, svc.memory);
      }
      await take(N, svc.memory);
      const report = await svc.api('GET', '/api/server/memory');
      governor = (report.governor?.recent_actions ?? []).map((a: { step: string }) => a.step);
    } finally {
      await svc.stop();
    }
  }
  await page.server.stop();
  root.sweep();
  const one = steps[0]!,
    all = steps[steps.length - 1]!;
  return {
    side,
    browser,
    one,
    all,
    marginal: { private_mb: round1((all.privateMb - one.privateMb) / (N - 1)), pss_mb: round1((all.pssMb - one.pssMb) / (N - 1)) },
    load: load(),
    governor,
  };
}

const root = new BenchRoot();
const results: SideResult[] = [];
try {
  for (const side of SIDES) results.push(await measure(side, root));
} finally {
  root.dispose();
}

const of = (side: Side) => results.find((r) => r.side === side);
const base = of('baseline');
const ratio = (a: number, b?: number) => (b ? Math.round((a / b) * 100) / 100 : null);
const ratios = Object.fromEntries(
  results
    .filter((r) => r.side !== 'baseline')
    .map((r) => [
      r.side,
      {
        one: ratio(r.one.privateMb, base?.one.privateMb),
        all: ratio(r.all.privateMb, base?.all.privateMb),
        marginal: ratio(r.marginal.private_mb, base?.marginal.private_mb),
      },
    ]),
);
const result = {
  command: commandOf('sessions.ts', args),
  sessions: N,
  account: small ? 'small' : 'busy',
  accountProfile: account,
  settle_ms: SETTLE_MS,
  memory_threshold_mb: Number(THRESHOLD),
  sides: results,
  ratio_to_baseline: ratios,
};
console.log(JSON.stringify({ sides: results, ratios }));

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  const name = `sessions${small ? '-small' : ''}${governed ? '-governed' : ''}`;
  await writeResult(name, result);
  const shell = of('shell');
  const r = ratios.shell;
  const verdict = (x: number | null | undefined, aim: number) => (x == null ? 'not measured' : x <= aim ? '**met**' : '**missed**');
  await writeSection(
    `${small ? '2b. Ten sessions, small account' : '2. Ten sessions'}${governed ? `, with a budget (MEMORY_THRESHOLD_MB=${THRESHOLD})` : ''}`,
    [
      `${N} sessions on the simulator's ${small ? 'small' : 'busy'} account ` +
        `(${account.contacts} contacts, ${account.chats} chats, ${account.groups} groups, ${account.messagesPerChat} messages each), started one after the other, each WORKING before the next starts, ` +
        `three sides one after the other in this run: ${SIDES.map((s) => LABEL[s]).join(', ')}. ` +
        'The baseline is ten whatsapp-web.js clients with their default options in one Node.js process (`scripts/bench/webjs-baseline.cjs`, each with its own LocalAuth clientId and its own full chromium); ' +
        'each wabun side is one service with ten sessions. ' +
        `Measured ${SETTLE_MS / 1000} s after the first and after the last was WORKING: the whole process tree (service or \`node\`, every browser, the crashpad handlers); private = Pss_Anon + Pss_Shmem. ` +
        (governed
          ? `wabun's MEMORY_THRESHOLD_MB=${THRESHOLD}: a budget for these sessions, so its governor acts as deployed (the cleanup step: in-page trim, page collection, every minute while usage is at 70 % or more). `
          : "wabun's MEMORY_THRESHOLD_MB=65536, so its governor neither trims the pages nor recycles browsers during the measurement. ") +
        'One run per side (not a median).',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/${name}.json\``,
      `- load average after each side: ${results.map((x) => `${x.side} ${x.load}`).join('; ')}`,
      ...(governed ? [`- governor steps: ${results.map((x) => `${x.side} ${x.governor?.join(', ') || 'none'}`).join('; ')}`] : []),
      '',
      `| | 1 session, private | ${N} sessions, private | per extra session, private | ${N} sessions, PSS | processes (${N}) | vs the baseline (${N} / per extra) |`,
      '|---|---|---|---|---|---|---|',
      ...results.map(
        (x) =>
          `| ${LABEL[x.side]} | ${x.one.privateMb} MB | ${x.all.privateMb} MB | ${x.marginal.private_mb} MB | ${x.all.pssMb} MB | ${x.all.processes} | ${x.side === 'baseline' ? '' : `${ratios[x.side]?.all ?? '–'}× / ${ratios[x.side]?.marginal ?? '–'}×`} |`,
      ),
      '',
      small
        ? 'No aim on the small account: it shows the cost of a browser with next to no page.'
        : shell && base
          ? `Aims (headless shell against the baseline, private): ${N} sessions ≤ ${AIM.all}×: ${verdict(r?.all, AIM.all)} (${r?.all}×); ` +
            `per extra session ≤ ${AIM.marginal}×: ${verdict(r?.marginal, AIM.marginal)} (${r?.marginal}×).`
          : 'Aims not judged: the baseline or the shell was not measured in this run.',
    ].join('\n'),
  );
}
