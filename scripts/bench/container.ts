/**
 * The image under docker-compose.yml's limits (mem_limit 300m, cpus 0.5, the governor on with its
 * compose settings), one busy simulated account per container, SECONDS of traffic: incoming
 * messages at RATE/s delivered to a webhook, and a sendText every SEND_EVERY_S. Both browsers of
 * the image side by side, at the same time, each in its own container (PUPPETEER_EXECUTABLE_PATH
 * set to full chromium, or unset: the headless shell). Read from the host every SAMPLE_MS: the container's
 * memory cgroup (charge, anon + shmem, the kernel's peak and OOM-kill counter) and the service's
 * own reading. Also the size of the image and of the headless-shell-only variant.
 *   bun scripts/bench/container.ts [--quick] [--seconds S] [--rate R] [--no-write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowControlInVolume, browserArgs, ControlForwarder } from '../../test/e2e/container/control-access';
import { buildImage, podman, prepareBuildBase, prepareRuntime, readableDir } from '../../test/e2e/container/podman';
import { Container, composeRunArgs, composeService } from '../../test/e2e/container/run';
import { DEFAULT_WEB_VERSION, simContactId, writeSimPage } from '../../test/sim';
import { SimControlServer } from '../../test/sim/server';
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { BUSY_ACCOUNT, round1 } from './sim-rig';
import { commandOf } from './versions';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = opt('--seconds', quick ? 30 : 600);
// The soak's rate (soak.ts: 20,000 messages over 600 s); cpus 0.5 keeps up with it here.
const RATE = opt('--rate', Math.round((20_000 / 600) * 10) / 10);
const SEND_EVERY_S = 2;
const SAMPLE_MS = quick ? 1000 : 5000;
const KEY = 'bench';
const MB = 1024 * 1024;
/** `asked`: named by PUPPETEER_EXECUTABLE_PATH; the headless shell is what the image runs by itself. */
const BROWSERS = [
  { label: 'full chromium', path: '/usr/lib/chromium/chromium', asked: true },
  { label: 'headless shell', path: '/usr/lib/chromium/chromium-headless-shell', asked: false },
];

const why = await prepareRuntime();
if (why) {
  console.log(`container bench skipped: ${why}`);
  process.exit(0);
}
await prepareBuildBase();
const image = await buildImage('localhost/wabun:container-bench');
const shellOnly = await buildImage('localhost/wabun:container-bench-shell', { BROWSER_PACKAGES: 'chromium-headless-shell' });
console.log(`images: ${round1(image.bytes / 1e6)} MB (both browsers), ${round1(shellOnly.bytes / 1e6)} MB (headless shell only)`);

const compose = composeService();
const gateway = (await podman(['network', 'inspect', 'podman', '--format', '{{range .Subnets}}{{.Gateway}}{{end}}'])).stdout.trim();
const work = readableDir(mkdtempSync(join(tmpdir(), 'wabun-bench-container-')));

interface Point {
  t: number;
  chargeMb: number;
  anonShmemMb: number;
  serviceTotalMb: number | null;
  oomKills: number;
}

/** Undone in reverse at the end, whatever happened: containers, volumes, forwarders, servers. */
const cleanups: (() => Promise<unknown> | unknown)[] = [];

async function rig(browser: (typeof BROWSERS)[number], n: number) {
  const sim = SimControlServer.start({ hostname: gateway });
  cleanups.push(() => sim.stop());
  const state = { received: 0, sent: 0, texts: 0, sendErrors: 0, receiveErrors: 0, inflight: 0 };
  const hooks = Bun.serve({
    hostname: gateway,
    port: 0,
    async fetch(req) {
      const body = (await req.json().catch(() => null)) as { event?: string } | null;
      if (body?.event === 'message') state.received++;
      return new Response('ok');
    },
  });
  cleanups.push(() => hooks.stop(true));
  const cache = readableDir(join(work, `cache-${n}`));
  const plan = composeRunArgs(compose.svc, compose.volumes, `wabun-bench-${process.pid}-${n}`, { WAHA_API_KEY: KEY });
  cleanups.push(async () => {
    for (const v of Object.values(plan.volumes)) await podman(['volume', 'rm', '-f', v], { check: false });
  });
  const box = await Container.start(image.id, [
    ...plan.args,
    ...browserArgs(browser.path, browser.asked),
    ...['-v', `${cache}:/wabun-sim:ro`],
    ...[
      '-e',
      'WAHA_WEBJS_CACHE_TYPE=local',
      '-e',
      'WAHA_WEBJS_CACHE_PATH=/wabun-sim',
      '-e',
      `WAHA_WEBJS_WEB_VERSION=${DEFAULT_WEB_VERSION}`,
    ],
  ]);
  cleanups.push(() => box.remove());
  await box.line((l) => l.msg === 'listening', 180_000);
  await box.locateCgroup();
  const forwarder = await ControlForwarder.start(box, sim.url);
  cleanups.push(() => forwarder.stop());
  writeSimPage(cache, { controlUrl: forwarder.url, autoScan: true, account: BUSY_ACCOUNT, version: DEFAULT_WEB_VERSION });
  const base = await box.url(plan.ports[0]!);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  await api('POST', '/api/sessions', {
    name: 's1',
    start: false,
    config: { webhooks: [{ url: `http://${gateway}:${hooks.port}/hook`, events: ['message'] }] },
  });
  const data = (await podman(['volume', 'inspect', '--format', '{{.Mountpoint}}', plan.volumes[compose.volumes[0]!]!])).stdout.trim();
  allowControlInVolume(data, 's1');
  const t0 = performance.now();
  // Not awaited: it answers once the page has loaded, which under cpus 0.5 can outlast Bun.serve's
  // default 10 s idle timeout (the connection is then reset while the start goes on).
  api('POST', '/api/sessions/s1/start').catch(() => {});
  await box.line((l) => l.msg === 'session status' && l.status === 'WORKING', 300_000, 'WORKING');
  await sim.waitForPage(undefined, 60_000);
  const ready = round1((performance.now() - t0) / 1000);
  console.log(`${browser.label}: WORKING ${ready} s after start`);
  return { browser, box, plan, api, state, ready, control: sim.control(), points: [] as Point[] };
}
type Rig = Awaited<ReturnType<typeof rig>>;

const rigs: Rig[] = [];
const results: Record<string, unknown>[] = [];
try {
  for (const [i, b] of BROWSERS.entries()) rigs.push(await rig(b, i));
  const t0 = performance.now();
  const sample = async () => {
    for (const r of rigs) {
      const health = await fetch(`${await r.box.url(r.plan.ports[0]!)}/health`)
        .then((x) => x.json() as Promise<{ memory_mb: number }>)
        .catch(() => null);
      r.points.push({
        t: round1((performance.now() - t0) / 1000),
        chargeMb: round1(r.box.usageBytes() / MB),
        anonShmemMb: round1(r.box.unreclaimableBytes() / MB),
        serviceTotalMb: health?.memory_mb ?? null,
        oomKills: r.box.oomKills(),
      });
    }
  };
  const sampler = setInterval(() => void sample(), SAMPLE_MS);
  let nextSend = 0;
  let lastLog = 0;
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= SECONDS) break;
    const due = Math.floor(elapsed * RATE);
    for (const r of rigs) {
      while (r.state.sent < due && r.state.inflight < 100) {
        const i = r.state.sent++;
        r.state.inflight++;
        r.control
          .receive({ from: simContactId(i % 400), body: `traffic ${i} ${'m'.repeat(i % 200)}` })
          .catch(() => r.state.receiveErrors++)
          .finally(() => r.state.inflight--);
      }
    }
    if (elapsed >= nextSend) {
      nextSend += SEND_EVERY_S;
      for (const r of rigs)
        r.api('POST', '/api/sendText', {
          session: 's1',
          chatId: simContactId(Math.floor(elapsed) % 400),
          text: `out ${Math.floor(elapsed)}`,
        }).then(
          () => r.state.texts++,
          () => r.state.sendErrors++,
        );
    }
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      console.log(
        `${elapsed.toFixed(0)} s: ${rigs.map((r) => `${r.browser.label}: in ${r.state.sent}, webhooks ${r.state.received}, ${r.points.at(-1)?.chargeMb ?? '?'} MB charged`).join(' | ')}`,
      );
    }
    await Bun.sleep(50);
  }
  clearInterval(sampler);
  // Let the webhooks catch up, bounded.
  const until = performance.now() + 60_000;
  while (rigs.some((r) => r.state.received < r.state.sent) && performance.now() < until) await Bun.sleep(200);
  await sample();
  for (const r of rigs) {
    const report = (await r.api('GET', '/api/server/memory')) as { governor?: { recent_actions?: { step: string }[] } };
    const session = (await r.api('GET', '/api/sessions/s1')) as { status: string };
    const steps: Record<string, number> = {};
    for (const l of r.box.lines) {
      const m = /^memory governor: (\w+)$/.exec(String(l.msg));
      if (m) steps[m[1]!] = (steps[m[1]!] ?? 0) + 1;
    }
    const half = r.points.filter((p) => p.t >= SECONDS / 2);
    const peakKernel = r.box.peakBytes();
    const stopT = performance.now();
    await podman(['stop', '-t', String(Math.ceil(r.plan.graceSeconds)), r.box.id]);
    const state = await r.box.inspect<{ ExitCode: number; OOMKilled: boolean }>('.State');
    results.push({
      browser: r.browser.label,
      executable: r.browser.path,
      working_after_start_s: r.ready,
      oom_kills: r.points.at(-1)?.oomKills ?? null,
      oom_killed_main: state.OOMKilled,
      exit_code: state.ExitCode,
      stop_s: round1((performance.now() - stopT) / 1000),
      session_at_end: session.status,
      peak_charge_mb: peakKernel === null ? null : round1(peakKernel / MB),
      peak_sampled_charge_mb: Math.max(...r.points.map((p) => p.chargeMb)),
      steady_charge_mb: round1(median(half.map((p) => p.chargeMb))),
      peak_anon_shmem_mb: Math.max(...r.points.map((p) => p.anonShmemMb)),
      steady_anon_shmem_mb: round1(median(half.map((p) => p.anonShmemMb))),
      peak_service_total_mb: Math.max(...r.points.map((p) => p.serviceTotalMb ?? 0)),
      steady_service_total_mb: round1(median(half.flatMap((p) => (p.serviceTotalMb === null ? [] : [p.serviceTotalMb])))),
      incoming: r.state.sent,
      webhooks: r.state.received,
      sent_texts: r.state.texts,
      send_errors: r.state.sendErrors,
      receive_errors: r.state.receiveErrors,
      governor_steps_logged: steps,
      governor_recent_actions: (report.governor?.recent_actions ?? []).map((a) => a.step),
      points: r.points,
    });
  }
} finally {
  for (const undo of cleanups.reverse()) await undo();
  rmSync(work, { recursive: true, force: true });
}

const summary = results.map(({ points, ...rest }) => rest);
console.log(JSON.stringify(summary, null, 2));
if (quick || args.includes('--no-write')) process.exit(0);

const result = {
  command: commandOf('container.ts', args),
  seconds: SECONDS,
  rate_per_s: RATE,
  send_every_s: SEND_EVERY_S,
  sample_ms: SAMPLE_MS,
  compose: { mem_limit: compose.svc.mem_limit, cpus: compose.svc.cpus, environment: compose.svc.environment },
  images: {
    both_browsers: { bytes: image.bytes, build_ms: image.ms },
    headless_shell_only: { bytes: shellOnly.bytes, build_ms: shellOnly.ms, build_arg: 'BROWSER_PACKAGES=chromium-headless-shell' },
  },
  runs: results,
};
await writeResult('container', result);

type Run = (typeof summary)[number] & Record<string, any>;
const [full, shell] = summary as [Run, Run];
const both = (f: (r: Run) => unknown) => `| ${f(full)} | ${f(shell)} |`;
const steps = (r: Run) =>
  Object.entries(r.governor_steps_logged as Record<string, number>)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none';
await writeSection(
  "8. The image under docker-compose.yml's limits",
  [
    `The image built from the Dockerfile (podman, test/e2e/container), run the way docker-compose.yml runs it: \`--memory=${compose.svc.mem_limit}\`, ` +
      `\`--cpus=${compose.svc.cpus}\`, its environment (MEMORY_THRESHOLD_MB=${compose.svc.environment?.MEMORY_THRESHOLD_MB}, governor on), its data volume. ` +
      `One session on the simulator's busy account (${BUSY_ACCOUNT.contacts} contacts, ${BUSY_ACCOUNT.chats} chats, ${BUSY_ACCOUNT.groups} groups, ${BUSY_ACCOUNT.messagesPerChat} messages each) per container, ` +
      `${SECONDS} s of traffic: ${RATE} incoming messages/s, each delivered to a webhook, and a sendText every ${SEND_EVERY_S} s. ` +
      'The two browsers ran **at the same time**, each in its own container: the headless shell as the image runs it (found by the service), full chromium set by PUPPETEER_EXECUTABLE_PATH; ' +
      'the shell with CHROMIUM_EXTRA_FLAGS=--disable-features=LocalNetworkAccessChecks, so the page reaches the simulator (docs/container.md). ' +
      `Read from the host every ${SAMPLE_MS / 1000} s: the container's memory cgroup (its charge, which includes page cache the kernel reclaims before it kills; ` +
      "anon + shmem, which it cannot reclaim without swap; the OOM-kill counter) and the service's own total (service + browser, Pss_Anon + Pss_Shmem). " +
      '"Steady" is the median over the second half of the run.',
    '',
    ...machineLines(),
    `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/container.json\``,
    SECONDS < 600
      ? `- **shortened run** (${SECONDS} s); the full run is \`bun scripts/bench/container.ts\` (600 s)`
      : '- the full run: 600 s of traffic',
    '',
    '| | full chromium | headless shell |',
    '|---|---|---|',
    `| image | ${round1(image.bytes / 1e6)} MB (both browsers, the default) | ${round1(shellOnly.bytes / 1e6)} MB (\`--build-arg BROWSER_PACKAGES=chromium-headless-shell\`) |`,
    `| OOM kills (memory cgroup \`oom_kill\`) ${both((r) => `**${r.oom_kills}**`)}`,
    `| session at the end ${both((r) => r.session_at_end)}`,
    `| anon + shmem, peak / steady ${both((r) => `${r.peak_anon_shmem_mb} / ${r.steady_anon_shmem_mb} MB`)}`,
    `| the service's total (service + browser), peak / steady ${both((r) => `${r.peak_service_total_mb} / ${r.steady_service_total_mb} MB`)}`,
    `| cgroup charge, steady (page cache included) ${both((r) => `${r.steady_charge_mb} MB`)}`,
    `| cgroup charge, the kernel's peak ${both((r) => `${r.peak_charge_mb} MB`)}`,
    `| incoming / webhooks received / texts sent ${both((r) => `${r.incoming} / ${r.webhooks} / ${r.sent_texts}`)}`,
    `| governor steps logged ${both(steps)}`,
    `| WORKING after start ${both((r) => `${r.working_after_start_s} s`)}`,
    `| SIGTERM: exit code, time to stop ${both((r) => `${r.exit_code}, ${r.stop_s} s`)}`,
    '',
    "The kernel's peak of the charge is the limit itself whenever page cache (the executables, Chromium's files) fills it: the kernel then reclaims cache instead of killing, so it says nothing about pressure. Anon + shmem and the OOM counter do.",
  ].join('\n'),
);
