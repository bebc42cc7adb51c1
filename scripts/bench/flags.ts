/**
 * The Chromium flag list, measured flag by flag: one WORKING session of wabun's own engine
 * (src/engine/webjs, in this process) on the simulator, once per variant of the flag list, the
 * variants interleaved (the order rotates every run). What is read is the browser's whole tree
 * (crashpad handlers included), private = Pss_Anon + Pss_Shmem: idle after ready, and after traffic
 * (incoming messages pushed by the simulator, texts sent). docs/chromium.md quotes the results.
 *   bun scripts/bench/flags.ts [--quick] [--runs N] [--account small|busy] [--browser shell|full] [--only name,name] [--no-write]
 */
import { join } from 'node:path';
import { createWebjsEngineFactory } from '../../src/engine/webjs';
import { silentLogger } from '../../src/log';
import { CHROMIUM_FLAGS } from '../../src/os/chromium';
import { allowLoopbackControl, controlFlags, simContactId } from '../../test/sim';
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { BenchRoot, BUSY_ACCOUNT, CHROMIUM, round1, SHELL, SMALL_ACCOUNT, simPage, treeCpuSeconds, treeMemory } from './sim-rig';
import { commandOf, versionsLine } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(opt('--runs') ?? (quick ? 1 : 5));
const accountName = opt('--account') ?? 'small';
const ACCOUNT = accountName === 'busy' ? BUSY_ACCOUNT : SMALL_ACCOUNT;
const browserName = opt('--browser') ?? 'shell';
const BROWSER = browserName === 'full' ? CHROMIUM : SHELL;
const SETTLE_MS = quick ? 2000 : 5000;
const IN = quick ? 20 : 150;
const OUT = quick ? 5 : 50;

/** The flag list without the flags named (a plain flag by its name, a feature by its own name). */
function without(...names: string[]): string[] {
  return CHROMIUM_FLAGS.flatMap((f) => {
    const [flag, value = ''] = f.split('=', 2) as [string, string?];
    if (names.includes(flag) || names.includes(f)) return [];
    if (flag !== '--disable-features' && flag !== '--enable-features') return [f];
    const kept = value.split(',').filter((x) => !names.includes(x));
    return kept.length ? [`${flag}=${kept.join(',')}`] : [];
  });
}
const jsFlags = (v: string) => CHROMIUM_FLAGS.map((f) => (f.startsWith('--js-flags=') ? `--js-flags=${v}` : f));

/**
 * Each variant: the flag list (CHROMIUM_FLAGS) with one change. "−": a flag of ours taken out,
 * which measures the reason it is there; "+": a flag others use (WAHA, wppconnect) added to it,
 * which measures whether it would earn its place.
 */
const VARIANTS: { name: string; why: string; flags?: readonly string[]; extra?: string[] }[] = [
  { name: 'the flag list', why: 'CHROMIUM_FLAGS as they are' },
  { name: '− --disable-gpu', why: 'no GPU compositing', flags: without('--disable-gpu') },
  {
    name: '− --disable-software-rasterizer',
    why: "no SwiftShader (WAHA keeps it: disabling it broke video for WAHA's users)",
    flags: without('--disable-software-rasterizer'),
  },
  { name: '− --in-process-gpu', why: 'the GPU as a thread of the browser process', flags: without('--in-process-gpu') },
  { name: '− --no-zygote', why: 'no zygote processes', flags: without('--no-zygote') },
  {
    name: '− --in-process-gpu and --no-zygote',
    why: 'both (they work together)',
    flags: without('--in-process-gpu', '--no-zygote'),
  },
  {
    name: '− NetworkServiceInProcess2',
    why: 'the network service as a thread of the browser process',
    flags: without('NetworkServiceInProcess2'),
  },
  { name: '− --renderer-process-limit=1', why: 'one renderer', flags: without('--renderer-process-limit') },
  {
    name: '− site isolation off',
    why: '--disable-site-isolation-trials, IsolateOrigins, site-per-process',
    flags: without('--disable-site-isolation-trials', 'IsolateOrigins', 'site-per-process'),
  },
  {
    name: '− omnibox popup off',
    why: 'WebUIOmniboxPopup, WebUIOmniboxAimPopup',
    flags: without('WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'),
  },
  { name: '− --js-flags', why: "V8's own young generation size", flags: without('--js-flags') },
  { name: '--max-semi-space-size=1', why: 'V8: semi-spaces of 1 MB instead of 2', flags: jsFlags('--max-semi-space-size=1') },
  { name: '--max-semi-space-size=4', why: 'V8: semi-spaces of 4 MB instead of 2', flags: jsFlags('--max-semi-space-size=4') },
  { name: '--max-semi-space-size=8', why: 'V8: semi-spaces of 8 MB instead of 2', flags: jsFlags('--max-semi-space-size=8') },
  {
    name: '--js-flags=--optimize-for-size',
    why: 'V8: memory over speed (smaller young generation, slower heap growth), instead of ours',
    flags: jsFlags('--optimize-for-size'),
  },
  {
    name: '--js-flags=--lite-mode',
    why: 'V8: no optimizing compilers, lazy feedback, instead of ours',
    flags: jsFlags('--lite-mode'),
  },
  {
    name: '+ --enable-low-end-device-mode',
    why: "Chromium's low-memory device mode (smaller caches, V8's low-memory heuristics)",
    extra: ['--enable-low-end-device-mode'],
  },
  { name: '+ --disk-cache-size=0', why: "WAHA's cache flags", extra: ['--disk-cache-size=0'] },
  { name: '+ --disable-cache', why: "WAHA's cache flags", extra: ['--disable-cache'] },
  { name: '+ --aggressive-cache-discard', why: "WAHA's cache flags", extra: ['--aggressive-cache-discard'] },
];
const only = opt('--only')?.split(',');
const variants = only ? VARIANTS.filter((v) => only.some((o) => v.name.includes(o))) : VARIANTS;

interface Reading {
  idle: { privateMb: number; pssMb: number; processes: number };
  after: { privateMb: number; pssMb: number; processes: number };
  /** After the governor's cleanup step ran in the page. */
  cleaned: { privateMb: number; pssMb: number; processes: number };
  readyMs: number;
  /** CPU seconds of the browser's tree from launch to ready, and during the traffic. */
  cpuStartS: number;
  cpuTrafficS: number;
}

const root = new BenchRoot();

async function runOnce(v: (typeof VARIANTS)[number]): Promise<Reading> {
  const page = simPage(root, { autoScan: true, account: ACCOUNT });
  const dataDir = root.sub('session');
  const factory = createWebjsEngineFactory({
    chromiumPath: BROWSER,
    flags: v.flags,
    extraFlags: [...(v.extra ?? []), ...controlFlags(BROWSER)],
    webCache: { type: 'local', path: page.dir, remotePath: '', version: page.version },
    initTimeoutMs: 120_000,
    destroyTimeoutMs: 5000,
  });
  const engine = factory({ session: 's', dataDir, log: silentLogger });
  allowLoopbackControl(join(dataDir, 'session'));
  const ready = new Promise<void>((resolve, reject) => {
    engine.on((e) => {
      if (e.type === 'ready') resolve();
      if (e.type === 'browser_exit' || e.type === 'disconnected') reject(new Error(`${v.name}: ${e.type}`));
    });
  });
  try {
    const t0 = performance.now();
    await engine.start();
    await ready;
    const readyMs = performance.now() - t0;
    await page.server.waitForPage();
    await Bun.sleep(SETTLE_MS);
    const pid = engine.browserPid()!;
    const idle = treeMemory(pid, dataDir);
    const cpuStartS = treeCpuSeconds(pid, dataDir);
    const control = page.server.control();
    for (let i = 0; i < IN; i++) await control.receive({ from: simContactId(i % 50), body: `traffic ${i} ${'x'.repeat(i % 120)}` });
    for (let i = 0; i < OUT; i++) await engine.client()!.messages.sendText(simContactId(i % 20), `sent ${i}`);
    const cpuTrafficS = treeCpuSeconds(pid, dataDir) - cpuStartS;
    await Bun.sleep(SETTLE_MS);
    const after = treeMemory(pid, dataDir);
    // The governor's cleanup step (in-page trim, V8 collection, HTTP cache dropped): what is
    // left is what the flags themselves cost, without the garbage a collection happens to leave.
    await engine.relieveMemory('cleanup');
    await Bun.sleep(2000);
    return { idle, after, cleaned: treeMemory(pid, dataDir), readyMs, cpuStartS, cpuTrafficS };
  } finally {
    await engine.stop();
    await page.server.stop();
    root.sweep(dataDir);
  }
}

const readings = new Map<string, Reading[]>(variants.map((v) => [v.name, []]));
try {
  for (let r = 0; r < RUNS; r++) {
    // Rotate the order: drift on a shared machine hits every variant alike.
    const order = variants.map((_, i) => variants[(i + r) % variants.length]!);
    for (const v of order) {
      const m = await runOnce(v);
      readings.get(v.name)!.push(m);
      console.log(
        `run ${r + 1} ${v.name}: idle ${m.idle.privateMb} MB private (${m.idle.processes} proc), after ${m.after.privateMb} MB, cleaned ${m.cleaned.privateMb} MB; ready ${(m.readyMs / 1000).toFixed(1)} s; CPU ${m.cpuStartS.toFixed(2)} s to ready, ${m.cpuTrafficS.toFixed(2)} s traffic`,
      );
    }
  }
} finally {
  root.dispose();
}

const med = (xs: Reading[], pick: (r: Reading) => number) => round1(median(xs.map(pick)));
const rows = variants.map((v) => {
  const xs = readings.get(v.name)!;
  return {
    name: v.name,
    why: v.why,
    idle_private_mb: med(xs, (x) => x.idle.privateMb),
    after_private_mb: med(xs, (x) => x.after.privateMb),
    cleaned_private_mb: med(xs, (x) => x.cleaned.privateMb),
    idle_pss_mb: med(xs, (x) => x.idle.pssMb),
    processes: median(xs.map((x) => x.idle.processes)),
    ready_s: round1(median(xs.map((x) => x.readyMs)) / 1000),
    cpu_start_s: Math.round(median(xs.map((x) => x.cpuStartS)) * 100) / 100,
    cpu_traffic_s: Math.round(median(xs.map((x) => x.cpuTrafficS)) * 100) / 100,
    raw: xs,
  };
});
const base = rows[0]!;
const spread = (pick: (r: Reading) => number) => {
  const xs = base.raw.map(pick);
  return `${round1(Math.min(...xs))}–${round1(Math.max(...xs))}`;
};
const delta = (a: number, b: number) => `${a - b >= 0 ? '+' : '−'}${round1(Math.abs(a - b))}`;
console.log(JSON.stringify(rows.map(({ raw, ...r }) => r)));

if (!quick && !args.includes('--no-write')) {
  const name = `flags-${accountName}${browserName === 'full' ? '-full' : ''}`;
  const browserText = browserName === 'full' ? 'full chromium' : 'the headless shell';
  await writeResult(name, {
    command: commandOf('flags.ts', args),
    runs: RUNS,
    browser: BROWSER,
    account: ACCOUNT,
    traffic: { incoming: IN, sent: OUT },
    rows,
  });
  await writeSection(
    `Chromium flags, one by one (${browserText}, ${accountName} account)`,
    [
      `One WORKING session of wabun's engine (src/engine/webjs, in the benchmark's process) on ${browserText}, on the simulator's ${accountName} account ` +
        `(${ACCOUNT.contacts} contacts, ${ACCOUNT.chats} chats, ${ACCOUNT.messagesPerChat} messages each), once per variant of the flag list, interleaved (the order rotates every run). ` +
        `The browser's whole tree, private = Pss_Anon + Pss_Shmem: idle ${SETTLE_MS / 1000} s after ready; after ${IN} incoming messages and ${OUT} texts sent; and 2 s after the governor's cleanup step (in-page trim, V8 collection, HTTP cache dropped) ran in the page. ` +
        "Only the browser: neither the service nor the governor is in these figures. CPU: the browser tree's user + system seconds from launch to ready, and during the traffic. " +
        'Decisions and reasons: docs/chromium.md.',
      '',
      ...machineLines(),
      versionsLine(),
      `- command: \`${commandOf('flags.ts', args)}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/${name}.json\``,
      '',
      `| median of ${RUNS} | what it is | idle | after traffic | after cleanup | vs the flag list (idle / after / cleanup) | processes | CPU to ready / traffic |`,
      '|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.why} | ${r.idle_private_mb} MB | ${r.after_private_mb} MB | ${r.cleaned_private_mb} MB | ${r === base ? '' : `${delta(r.idle_private_mb, base.idle_private_mb)} / ${delta(r.after_private_mb, base.after_private_mb)} / ${delta(r.cleaned_private_mb, base.cleaned_private_mb)} MB`} | ${r.processes} | ${r.cpu_start_s} / ${r.cpu_traffic_s} s |`,
      ),
      '',
      `Private memory (Pss_Anon + Pss_Shmem) throughout. The spread between runs of the flag list itself: idle ${spread((x) => x.idle.privateMb)} MB, ` +
        `after traffic ${spread((x) => x.after.privateMb)} MB, after cleanup ${spread((x) => x.cleaned.privateMb)} MB (the first two move with when V8 last collected the page's old generation). ` +
        'A difference smaller than that spread is no reason to keep or add a flag.',
    ].join('\n'),
  );
}
