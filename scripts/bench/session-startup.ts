/**
 * Session start-up on the simulator (busy account), medians of N runs (default 5):
 *   - service start to first QR: spawn of wabun → "listening" → POST /api/sessions → status
 *     SCAN_QR_CODE (a page that does not scan by itself);
 *   - restart to WORKING for a paired session: a session paired once, the service stopped; then
 *     each run spawns the service again on that data folder (running sessions come back by
 *     themselves) until the session is WORKING again, with no QR.
 *   bun scripts/bench/session-startup.ts [--quick] [--runs N] [--no-write]
 */
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { BenchRoot, BUSY_ACCOUNT, round1, simPage, startWabun } from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const at = args.indexOf('--runs');
const RUNS = at >= 0 ? Number(args[at + 1]) : quick ? 1 : 5;

const root = new BenchRoot();
const qr: { spawnToQrMs: number; createToQrMs: number; spawnToListeningMs: number }[] = [];
const restart: { spawnToWorkingMs: number; spawnToListeningMs: number }[] = [];
try {
  // First QR: a fresh service and a fresh session every run.
  const unpaired = simPage(root, { account: BUSY_ACCOUNT });
  for (let i = 0; i < RUNS; i++) {
    const dir = root.sub('qr');
    const t0 = performance.now();
    const svc = await startWabun(dir, unpaired.dir, unpaired.version);
    const listening = performance.now();
    try {
      const posted = performance.now();
      await svc.api('POST', '/api/sessions', { name: 's1' });
      await svc.waitStatus('s1', 'SCAN_QR_CODE');
      const done = performance.now();
      const toQr = done - posted;
      qr.push({ spawnToQrMs: done - t0, createToQrMs: toQr, spawnToListeningMs: listening - t0 });
      console.log(`first QR: ${(done - t0).toFixed(0)} ms after spawn (${toQr.toFixed(0)} ms after POST /api/sessions)`);
    } finally {
      await svc.stop();
      root.sweep(dir);
    }
  }
  await unpaired.server.stop();

  // Restart of a paired session: pair once, then start the service again RUNS times.
  const paired = simPage(root, { autoScan: true, account: BUSY_ACCOUNT });
  const dir = root.sub('restart');
  const first = await startWabun(dir, paired.dir, paired.version);
  try {
    await first.startSession('s1');
    await first.waitStatus('s1', 'WORKING');
  } finally {
    await first.stop();
    root.sweep(dir);
  }
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const svc = await startWabun(dir, paired.dir, paired.version);
    const listening = performance.now();
    try {
      await svc.waitStatus('s1', 'WORKING');
      const ms = performance.now() - t0;
      restart.push({ spawnToWorkingMs: ms, spawnToListeningMs: listening - t0 });
      console.log(`restart to WORKING: ${ms.toFixed(0)} ms after spawn`);
    } finally {
      await svc.stop();
      root.sweep(dir);
    }
  }
  await paired.server.stop();
} finally {
  root.dispose();
}

const m = <T>(xs: T[], f: (x: T) => number) => round1(median(xs.map(f)));
const span = <T>(xs: T[], f: (x: T) => number) => `${round1(Math.min(...xs.map(f)))}–${round1(Math.max(...xs.map(f)))}`;
const result = {
  runs: RUNS,
  command: commandOf('session-startup.ts', args),
  account: BUSY_ACCOUNT,
  first_qr: {
    spawn_to_qr_ms: m(qr, (x) => x.spawnToQrMs),
    create_to_qr_ms: m(qr, (x) => x.createToQrMs),
    spawn_to_listening_ms: m(qr, (x) => x.spawnToListeningMs),
  },
  restart: { spawn_to_working_ms: m(restart, (x) => x.spawnToWorkingMs), spawn_to_listening_ms: m(restart, (x) => x.spawnToListeningMs) },
  raw: { qr, restart },
};
console.log(JSON.stringify({ first_qr: result.first_qr, restart: result.restart }));

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  await writeResult('session-startup', result);
  await writeSection(
    '5b. Session start-up: first QR, restart to WORKING',
    [
      'On the simulator (busy account), the service as `bun run bench` finds it (`dist/wabun` when built, else `bun src/index.ts`), on the browser it finds (the headless shell). ' +
        '"First QR": spawn → `POST /api/sessions {"name":"s1"}` → status `SCAN_QR_CODE` (polled every 20 ms; Chromium launch, page load, library inject). ' +
        '"Restart": a session paired once, the service stopped with SIGTERM; the service spawned again on the same data folder brings the running session back: spawn → `WORKING`, no QR.',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/session-startup.json\``,
      '',
      `| ${RUNS} runs | median | min–max |`,
      '|---|---|---|',
      `| service spawn → first QR (SCAN_QR_CODE) | ${result.first_qr.spawn_to_qr_ms} ms | ${span(qr, (x) => x.spawnToQrMs)} ms |`,
      `| of which POST /api/sessions → first QR | ${result.first_qr.create_to_qr_ms} ms | ${span(qr, (x) => x.createToQrMs)} ms |`,
      `| service spawn → paired session WORKING again | ${result.restart.spawn_to_working_ms} ms | ${span(restart, (x) => x.spawnToWorkingMs)} ms |`,
      '',
      'No target for these two: recorded for comparison between runs.',
    ].join('\n'),
  );
}
