/**
 * What two things the simulator's page does not have would cost, on both browsers, each variant
 * in a fresh browser launched with the product's flag list (src/os/chromium.ts chromiumArgs):
 *   - a cross-site frame (WhatsApp Web shows some link previews in one): the flag list, then
 *     without --renderer-process-limit=1, without site isolation off, without both;
 *   - a service worker (WhatsApp Web registers one; wppconnect blocks it): a page that registers
 *     an app-shell worker (caches a script, answers fetches from the cache) against the same page
 *     without it, read 3 s after the reload it controls and again after 45 s idle (Chromium stops
 *     an idle worker after about 30 s).
 * Pages are served by Bun on 127.0.0.1 (a secure context for the worker) with the frame from
 * `localhost` (another site). Whole browser tree, private = Pss_Anon + Pss_Shmem.
 * docs/chromium.md quotes the results.
 *   bun scripts/bench/page-extras.ts [--runs N] [--no-write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_FLAGS, chromiumArgs } from '../../src/os/chromium';
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';
import { CHROMIUM, round1, SHELL, treeMemory } from './sim-rig';
import { commandOf } from './versions';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const RUNS = at >= 0 ? Number(args[at + 1]) : 3;
const IDLE_MS = 45_000;

const server: ReturnType<typeof Bun.serve> = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req): Response {
    const path = new URL(req.url).pathname;
    const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html' } });
    const js = (body: string) => new Response(body, { headers: { 'content-type': 'text/javascript' } });
    if (path === '/framed') return html(`<p>top</p><iframe src="http://localhost:${server.port}/frame"></iframe>`);
    if (path === '/frame') return html('<p>frame</p><script>window.x = Array.from({ length: 100000 }, (_, i) => ({ i }));</script>');
    if (path === '/app.js') return js(`window.app = ${JSON.stringify('a'.repeat(500_000))}.length;`);
    if (path === '/sw.js')
      return js(
        `const big = ${JSON.stringify('w'.repeat(500_000))};` +
          "self.addEventListener('install', (e) => e.waitUntil(caches.open('c').then((c) => c.addAll(['/app.js']))));" +
          "self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));" +
          "self.addEventListener('fetch', (e) => e.respondWith(caches.match(e.request).then((r) => r || fetch(e.request))));",
      );
    // /worker registers the service worker, /plain is the same page without it.
    const register = path === '/worker';
    return html(
      `<script src="/app.js"></script><script>${register ? "navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready).then(() => { document.title = 'ready'; });" : "document.title = 'ready';"}</script>`,
    );
  },
});
const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;

/** The flag list without the flags named (a plain flag by its name, a feature by its own name). */
function without(...names: string[]): string[] {
  return CHROMIUM_FLAGS.flatMap((f) => {
    const [flag, value = ''] = f.split('=', 2) as [string, string?];
    if (names.includes(flag)) return [];
    if (flag !== '--disable-features') return [f];
    const kept = value.split(',').filter((x) => !names.includes(x));
    return kept.length ? [`${flag}=${kept.join(',')}`] : [];
  });
}

/** A fresh browser on `path` with `flags`; `read` takes the readings once the page is ready. */
async function inBrowser<T>(
  executable: string,
  flags: readonly string[],
  path: string,
  read: (take: () => number) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-bench-extras-'));
  const browser = await puppeteer.launch({
    executablePath: executable,
    headless: true,
    pipe: true,
    userDataDir: join(dir, 'profile'),
    args: chromiumArgs([], flags),
    env: { ...process.env, HOME: dir },
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    await page.goto(url(path));
    await page.waitForFunction(() => document.title === 'ready' || !!document.querySelector('iframe'));
    if (path !== '/framed') {
      // The second load is the one a registered worker controls.
      await page.reload();
      await page.waitForFunction(() => document.title === 'ready');
    }
    const pid = browser.process()!.pid!;
    return await read(() => treeMemory(pid, dir).privateMb);
  } finally {
    await browser.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

const FRAME_VARIANTS: [string, readonly string[]][] = [
  ['the flag list', CHROMIUM_FLAGS],
  ['− --renderer-process-limit=1', without('--renderer-process-limit')],
  ['− site isolation off', without('--disable-site-isolation-trials', 'IsolateOrigins', 'site-per-process')],
  ['− both', without('--renderer-process-limit', '--disable-site-isolation-trials', 'IsolateOrigins', 'site-per-process')],
];
const BROWSERS: [string, string][] = [
  ['headless shell', SHELL],
  ['full chromium', CHROMIUM],
];

const frames: Record<string, Record<string, number[]>> = {};
const workers: Record<string, Record<'plain' | 'worker', { active: number[]; idle: number[] }>> = {};
try {
  for (let r = 0; r < RUNS; r++) {
    for (const [b, exe] of BROWSERS) {
      for (const [name, flags] of FRAME_VARIANTS) {
        const mb = await inBrowser(exe, flags, '/framed', async (take) => {
          await Bun.sleep(3000);
          return take();
        });
        ((frames[b] ??= {})[name] ??= []).push(mb);
        console.log(`run ${r + 1} ${b}, cross-site frame, ${name}: ${mb} MB`);
      }
      for (const kind of ['plain', 'worker'] as const) {
        const m = await inBrowser(exe, CHROMIUM_FLAGS, `/${kind}`, async (take) => {
          await Bun.sleep(3000);
          const active = take();
          await Bun.sleep(IDLE_MS);
          return { active, idle: take() };
        });
        const w = ((workers[b] ??= {} as never)[kind] ??= { active: [], idle: [] });
        w.active.push(m.active);
        w.idle.push(m.idle);
        console.log(`run ${r + 1} ${b}, ${kind}: ${m.active} MB, after ${IDLE_MS / 1000} s idle ${m.idle} MB`);
      }
    }
  }
} finally {
  server.stop(true);
}

const med = (xs: number[]) => round1(median(xs));
const result = {
  command: commandOf('page-extras.ts', args),
  runs: RUNS,
  cross_site_frame: Object.fromEntries(
    Object.entries(frames).map(([b, v]) => [b, Object.fromEntries(Object.entries(v).map(([k, xs]) => [k, med(xs)]))]),
  ),
  service_worker: Object.fromEntries(
    Object.entries(workers).map(([b, v]) => [
      b,
      {
        plain: { active: med(v.plain.active), idle: med(v.plain.idle) },
        worker: { active: med(v.worker.active), idle: med(v.worker.idle) },
      },
    ]),
  ),
  raw: { frames, workers },
};
console.log(JSON.stringify({ cross_site_frame: result.cross_site_frame, service_worker: result.service_worker }));

if (!args.includes('--no-write')) {
  await writeResult('page-extras', result);
  const d = (a: number, b: number) => `${a - b >= 0 ? '+' : '−'}${round1(Math.abs(a - b))} MB`;
  await writeSection(
    'Chromium flags: a cross-site frame and a service worker',
    [
      "Two things the simulator's page has not, on a test page served by Bun on 127.0.0.1, each variant in a fresh browser with the product's flag list: " +
        'a **cross-site frame** (from `localhost`, holding 100,000 small objects), read 3 s after load, with the flag list and without the flags that keep frames in one renderer; ' +
        `an app-shell **service worker** (caches a script and answers fetches from its cache) against the same page without one, read 3 s after the reload it controls and again after ${IDLE_MS / 1000} s idle. ` +
        "The browser's whole tree, private = Pss_Anon + Pss_Shmem. Decisions: docs/chromium.md.",
      '',
      ...machineLines(),
      `- command: \`${result.command}\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/page-extras.json\``,
      '',
      `| cross-site frame, median of ${RUNS} | ${BROWSERS.map(([b]) => b).join(' | ')} |`,
      `|---|${BROWSERS.map(() => '---').join('|')}|`,
      ...FRAME_VARIANTS.map(
        ([name]) =>
          `| ${name} | ${BROWSERS.map(([b]) => {
            const v = result.cross_site_frame[b]!;
            return `${v[name]} MB${name === 'the flag list' ? '' : ` (${d(v[name]!, v['the flag list']!)})`}`;
          }).join(' | ')} |`,
      ),
      '',
      `| service worker, median of ${RUNS} | ${BROWSERS.map(([b]) => `${b}: 3 s / ${IDLE_MS / 1000} s idle`).join(' | ')} |`,
      `|---|${BROWSERS.map(() => '---').join('|')}|`,
      ...(['plain', 'worker'] as const).map(
        (kind) =>
          `| ${kind === 'plain' ? 'the page alone' : 'the page and its worker'} | ${BROWSERS.map(([b]) => {
            const v = result.service_worker[b]!;
            return `${v[kind].active} / ${v[kind].idle} MB${kind === 'worker' ? ` (${d(v.worker.active, v.plain.active)} / ${d(v.worker.idle, v.plain.idle)})` : ''}`;
          }).join(' | ')} |`,
      ),
    ].join('\n'),
  );
}
