/**
 * Ten sessions in one service: total memory (service + every browser, whole trees, crashpad
 * handlers included) with 1 session and with N, and the marginal cost of each extra session.
 * Each session pairs as its own number (`me.number` with x's, derived from its profile).
 * MEMORY_THRESHOLD_MB is raised so the governor does not recycle browsers while we measure.
 *   bun scripts/bench/sessions.ts [--quick] [--sessions N] [--small] [--no-write]
 */
import { writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { BenchRoot, BUSY_ACCOUNT, round1, SMALL_ACCOUNT, simPage, startWabun } from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const at = args.indexOf('--sessions');
const N = at >= 0 ? Number(args[at + 1]) : quick ? 2 : 10;
const small = args.includes('--small') || quick;
const account = small ? SMALL_ACCOUNT : BUSY_ACCOUNT;
const SETTLE_MS = quick ? 3000 : 8000;
const TARGET = 120;

const root = new BenchRoot();
const page = simPage(root, { autoScan: true, account, me: { number: '1555000xxxx' } });
const svc = await startWabun(root.sub('wabun'), page.dir, page.version, { MEMORY_THRESHOLD_MB: '65536' });
const steps: { sessions: number; privateMb: number; pssMb: number; processes: number }[] = [];
let perBrowser: { session: string; private_mb: number; pss_mb: number; processes: number }[] = [];
try {
  for (let i = 1; i <= N; i++) {
    await svc.startSession(`s${i}`);
    await svc.waitStatus(`s${i}`, 'WORKING', 120_000);
    if (i === 1 || i === N) {
      await Bun.sleep(SETTLE_MS);
      const m = svc.memory();
      steps.push({ sessions: i, ...m });
      console.log(`${i} session(s) WORKING: ${m.privateMb} MB private, ${m.pssMb} MB PSS, ${m.processes} processes`);
    } else {
      console.log(`${i} session(s) WORKING`);
    }
  }
  const report = await svc.api('GET', '/api/server/memory');
  perBrowser = report.browsers.map((b: any) => ({
    session: b.session,
    private_mb: b.private_mb,
    pss_mb: b.pss_mb,
    processes: b.processes,
  }));
} finally {
  await svc.stop();
  await page.server.stop();
  root.dispose();
}

const one = steps[0]!,
  all = steps[steps.length - 1]!;
const marginal = { private_mb: round1((all.privateMb - one.privateMb) / (N - 1)), pss_mb: round1((all.pssMb - one.pssMb) / (N - 1)) };
const result = {
  command: commandOf('sessions.ts', args),
  sessions: N,
  account: small ? 'small' : 'busy',
  accountProfile: account,
  settle_ms: SETTLE_MS,
  one,
  all,
  marginal,
  perBrowser,
};
console.log(JSON.stringify({ one, all, marginal }));

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  await writeResult(small ? 'sessions-small' : 'sessions', result);
  const met = marginal.private_mb <= TARGET;
  await writeSection(
    small ? '2b. Ten sessions, small account' : '2. Ten sessions',
    [
      `${N} sessions in one wabun service, each WORKING on the simulator's ${small ? 'small' : 'busy'} account ` +
        `(${account.contacts} contacts, ${account.chats} chats, ${account.groups} groups, ${account.messagesPerChat} messages each), started one after the other; ` +
        `measured ${SETTLE_MS / 1000} s after the first and after the last was WORKING. Whole process trees, crashpad handlers included; private = Pss_Anon + Pss_Shmem. ` +
        'MEMORY_THRESHOLD_MB=65536 so the governor does not recycle browsers during the measurement. One run (not a median).',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/${small ? 'sessions-small' : 'sessions'}.json\``,
      '',
      '| sessions | private | PSS | processes |',
      '|---|---|---|---|',
      `| 1 | ${one.privateMb} MB | ${one.pssMb} MB | ${one.processes} |`,
      `| ${N} | ${all.privateMb} MB | ${all.pssMb} MB | ${all.processes} |`,
      `| marginal, per extra session | ${marginal.private_mb} MB | ${marginal.pss_mb} MB | |`,
      '',
      `Target ≤ ${TARGET} MB per extra session (private): **${met ? 'met' : 'missed'}** (${marginal.private_mb} MB).` +
        (met
          ? ''
          : ' Each session has its own Chromium (browser, GPU, network, storage processes and a renderer holding the page): sharing one browser between sessions (a browser context per session) would pay the per-browser processes once.'),
    ].join('\n'),
  );
}
