/**
 * Soak: MESSAGES incoming messages at a steady rate through the simulator into one WORKING
 * session (busy account, a webhook receiver for `message`): wabun on the headless shell (its
 * default) with the governor on and off, and on full chromium with the governor on. The three
 * services run side by side, at the same time (the full run must stay under 20 minutes), each
 * with its own page, control server and receiver. Memory of each whole tree is sampled every few
 * seconds; the slope (MB per 1,000 messages) is fitted after the warm-up.
 *   bun scripts/bench/soak.ts [--quick] [--messages N] [--seconds S] [--no-write]
 */
import { join } from 'node:path';
import { simContactId } from '../../test/sim';
import { writeResult } from './harness';
import { lineChart } from './plot';
import { machineLines, writeSection } from './report';
import { type BenchBrowser, BenchRoot, BUSY_ACCOUNT, round1, simPage, startWabun, webhookReceiver } from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = opt('--messages', quick ? 200 : 20_000);
const SECONDS = opt('--seconds', quick ? 15 : 600);
const RATE = MESSAGES / SECONDS;
const SAMPLE_MS = quick ? 500 : 5000;
const WARMUP = 0.2; // the first 20 % of the messages
const TARGET_PCT = 5;

interface Point {
  t: number;
  sent: number;
  hooks: number;
  privateMb: number;
  pssMb: number;
}

const root = new BenchRoot();

async function rig(governor: boolean, browser: BenchBrowser) {
  const page = simPage(root, { autoScan: true, account: BUSY_ACCOUNT });
  const state = { hooks: 0, sent: 0, inflight: 0, errors: 0 };
  const receiver = webhookReceiver(() => {
    state.hooks++;
  });
  const label = `${browser} governor ${governor ? 'on' : 'off'}`;
  const svc = await startWabun(
    root.sub(`${browser}-gov-${governor ? 'on' : 'off'}`),
    page.dir,
    page.version,
    { MEMORY_GOVERNOR: String(governor) },
    browser,
  );
  await svc.startSession('s1', { webhooks: [{ url: receiver.url, events: ['message'] }] });
  await svc.waitStatus('s1', 'WORKING');
  await page.server.waitForPage();
  return { governor, browser, label, page, receiver, svc, state, control: page.server.control(), points: [] as Point[] };
}
type Rig = Awaited<ReturnType<typeof rig>>;

/** Least-squares slope of y over x. */
function fit(xs: number[], ys: number[]) {
  const n = xs.length,
    mx = xs.reduce((a, b) => a + b, 0) / n,
    my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  const slope = den ? num / den : 0;
  return { slope, at: (x: number) => my + slope * (x - mx) };
}

function analyse(r: Rig) {
  const warm = r.points.filter((p) => p.sent >= MESSAGES * WARMUP);
  const f = fit(
    warm.map((p) => p.sent / 1000),
    warm.map((p) => p.privateMb),
  );
  const fPss = fit(
    warm.map((p) => p.sent / 1000),
    warm.map((p) => p.pssMb),
  );
  const from = (MESSAGES * WARMUP) / 1000,
    to = MESSAGES / 1000;
  const level = f.at(from);
  const growthPct = ((f.at(to) - level) / level) * 100;
  const priv = r.points.map((p) => p.privateMb);
  return {
    governor: r.governor,
    browser: r.svc.browser,
    samples: r.points.length,
    warm_samples: warm.length,
    slope_private_mb_per_1000: Math.round(f.slope * 100) / 100,
    slope_pss_mb_per_1000: Math.round(fPss.slope * 100) / 100,
    level_at_warmup_mb: round1(level),
    growth_after_warmup_pct: Math.round(growthPct * 10) / 10,
    min_private_mb: round1(Math.min(...priv)),
    max_private_mb: round1(Math.max(...priv)),
    end_private_mb: round1(priv[priv.length - 1] ?? 0),
    sent: r.state.sent,
    webhooks: r.state.hooks,
    receive_errors: r.state.errors,
  };
}

const rigs: Rig[] = [];
const actions: Record<string, string[]> = {};
try {
  rigs.push(await rig(true, 'shell'), await rig(false, 'shell'), await rig(true, 'full'));
  const t0 = performance.now();
  const sample = () => {
    for (const r of rigs) {
      const m = r.svc.memory();
      r.points.push({
        t: (performance.now() - t0) / 1000,
        sent: r.state.sent,
        hooks: r.state.hooks,
        privateMb: m.privateMb,
        pssMb: m.pssMb,
      });
    }
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);
  let lastLog = 0;
  // Steady rate: every 50 ms, catch up to elapsed × RATE, on both services alike.
  while (rigs.some((r) => r.state.sent < MESSAGES)) {
    const due = Math.min(MESSAGES, Math.floor(((performance.now() - t0) / 1000) * RATE));
    for (const r of rigs) {
      while (r.state.sent < due && r.state.inflight < 200) {
        const i = r.state.sent++;
        r.state.inflight++;
        r.control
          .receive({ from: simContactId(i % 400), body: `soak ${i} ${'m'.repeat(i % 200)}` })
          .catch(() => {
            r.state.errors++;
          })
          .finally(() => {
            r.state.inflight--;
          });
      }
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      console.log(
        `${((lastLog - t0) / 1000).toFixed(0)} s: ` +
          rigs.map((r) => `${r.label} sent ${r.state.sent}, webhooks ${r.state.hooks}, ${r.points.at(-1)?.privateMb} MB`).join(' | '),
      );
    }
    await Bun.sleep(50);
  }
  const until = performance.now() + 60_000;
  while (rigs.some((r) => r.state.hooks < MESSAGES) && performance.now() < until) await Bun.sleep(200);
  clearInterval(sampler);
  sample();
  for (const r of rigs) {
    const report = await r.svc.api('GET', '/api/server/memory');
    actions[r.label] = (report.governor?.recent_actions ?? []).map((a: { step: string; at?: string }) => a.step);
  }
} finally {
  for (const r of rigs) {
    await r.svc.stop();
    await r.page.server.stop();
    r.receiver.stop();
  }
  root.dispose();
}

const [on, off, fullOn] = rigs.map(analyse) as [ReturnType<typeof analyse>, ReturnType<typeof analyse>, ReturnType<typeof analyse>];
console.log(JSON.stringify({ on, off, fullOn }));
const result = {
  command: commandOf('soak.ts', args),
  messages: MESSAGES,
  seconds: SECONDS,
  rate_per_s: Math.round(RATE * 10) / 10,
  concurrent: true,
  warmup_fraction: WARMUP,
  sample_ms: SAMPLE_MS,
  /** The headless shell, wabun's default browser. */
  governor_on: on,
  governor_off: off,
  full_governor_on: fullOn,
  governor_recent_actions: actions,
  points: { on: rigs[0]!.points, off: rigs[1]!.points, full_on: rigs[2]!.points },
};

// --quick is a smoke test: its numbers are not recorded (the full run's stay in results/ and BENCHMARKS.md).
if (!quick && !args.includes('--no-write')) {
  await writeResult('soak', result);
  const pngName = 'soak-memory.png';
  const png = lineChart(
    [
      { color: [30, 100, 220], points: rigs[0]!.points.map((p) => [p.sent, p.privateMb]) },
      { color: [220, 50, 40], points: rigs[1]!.points.map((p) => [p.sent, p.privateMb]) },
      { color: [40, 160, 60], points: rigs[2]!.points.map((p) => [p.sent, p.privateMb]) },
    ],
    {
      xStep: MESSAGES >= 10_000 ? 2000 : Math.max(50, Math.round(MESSAGES / 10)),
      yStep: 25,
      xLabel: (x) => (MESSAGES >= 10_000 ? String(x / 1000) : String(x)),
    },
  );
  await Bun.write(join(import.meta.dir, 'results', pngName), png);
  const met = Math.abs(on.growth_after_warmup_pct) <= TARGET_PCT;
  const row = (label: string, a: ReturnType<typeof analyse>) =>
    `| ${label} | ${a.sent} / ${a.webhooks} | ${a.level_at_warmup_mb} MB | ${a.slope_private_mb_per_1000} MB | ${a.slope_pss_mb_per_1000} MB | ${a.growth_after_warmup_pct} % | ${a.min_private_mb}–${a.max_private_mb} MB |`;
  await writeSection(
    '3. Soak: governor on vs off, headless shell and full chromium',
    [
      `${MESSAGES} incoming messages per service at a steady ${result.rate_per_s}/s over ${SECONDS} s, pushed by the simulator into one WORKING session ` +
        '(busy account) that delivers each to a webhook receiver. Three services ran **concurrently, side by side** on this machine (to keep the full run under 20 minutes), ' +
        "each with its own page and receiver: on the headless shell (wabun's default) with the governor on (`MEMORY_GOVERNOR=true`, defaults: threshold 300 MB) and off " +
        '(`MEMORY_GOVERNOR=false`), and on full chromium with the governor on. ' +
        `Memory of each whole tree (private = Pss_Anon + Pss_Shmem) every ${SAMPLE_MS / 1000} s; the slope is a least-squares fit over the samples after the first ${WARMUP * 100} % of the messages (warm-up); ` +
        '"growth" is the fitted change from the end of the warm-up to the last message, relative to the fitted level at the end of the warm-up.',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/soak.json\``,
      quick || MESSAGES < 20_000 || SECONDS < 600
        ? `- **shortened run** (${MESSAGES} messages over ${SECONDS} s); the full soak is \`bun scripts/bench/soak.ts\` (20,000 over 600 s)`
        : '- the full soak: 20,000 messages over 600 s',
      '',
      '| service | messages sent / webhooks received | private at warm-up | slope, private, per 1,000 msgs | slope, PSS | growth after warm-up | private min–max |',
      '|---|---|---|---|---|---|---|',
      row('headless shell, governor on', on),
      row('headless shell, governor off', off),
      row('full chromium, governor on', fullOn),
      '',
      `Governor steps (most recent 20): ${rigs.map((r) => `${r.label}: ${actions[r.label]?.join(', ') || (r.governor ? 'none' : 'none (it never acts)')}`).join('; ')}.`,
      '',
      `Target: flat within ${TARGET_PCT} % on the headless shell with the governor on: **${met ? 'met' : 'missed'}** (${on.growth_after_warmup_pct} %).`,
      '',
      `![memory over the soak](scripts/bench/results/${pngName})`,
      '',
      `Plot: private memory (MB, y) of each service's whole tree over messages sent (x${MESSAGES >= 10_000 ? ', thousands' : ''}); blue: headless shell, governor on; red: headless shell, governor off; green: full chromium, governor on.`,
    ].join('\n'),
  );
}
