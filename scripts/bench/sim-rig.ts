/**
 * The pieces shared by the benchmarks that run real WhatsApp sessions on the simulator
 * (test/sim): a bench root that is swept of processes at the end, wabun with a session on a
 * simulator page, the Node.js whatsapp-web.js baseline, and process-tree memory readings
 * (src/memory's ProcReader/ProcessTable, the crashpad handlers included).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionDirs } from '../../src/engine/webjs/profile';
import { findChromium } from '../../src/os/chromium';
import { ProcReader, parseSmaps } from '../../src/os/proc';
import { ProcessTable } from '../../src/os/process-table';
import { allowLoopbackControl, BUSY_ACCOUNT, controlFlags, type SimPageOptions, SMALL_ACCOUNT, writeSimPage } from '../../test/sim';
import { SimControlServer } from '../../test/sim/control';
import { OFFLINE_FLAGS } from '../../test/support/process';
import { spawnService } from './harness';

/** Full chromium: the baseline's browser (whatsapp-web.js's defaults launch a full browser). */
export const CHROMIUM = '/usr/lib/chromium/chromium';
/** Debian's headless shell: what wabun finds first (src/os/chromium.ts). */
export const SHELL = '/usr/lib/chromium/chromium-headless-shell';
export const API_KEY = 'bench';
export { BUSY_ACCOUNT, SMALL_ACCOUNT };

/** A temp folder for one benchmark; `sweep()` SIGKILLs every process whose command line names it. */
export class BenchRoot {
  readonly dir = mkdtempSync(join(tmpdir(), 'wabun-bench-sim-'));
  private n = 0;
  sub(name: string): string {
    const d = join(this.dir, `${name}-${++this.n}`);
    mkdirSync(d, { recursive: true });
    return d;
  }
  /** Processes still alive that name `dir` (default: the whole root), by pid. */
  leftovers(dir = this.dir): number[] {
    const out: number[] = [];
    for (const p of readdirSync('/proc')) {
      if (!/^\d+$/.test(p)) continue;
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(dir)) out.push(Number(p));
      } catch {
        /* gone */
      }
    }
    return out;
  }
  sweep(dir = this.dir): number {
    const pids = this.leftovers(dir);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    return pids.length;
  }
  dispose() {
    const left = this.sweep();
    if (left) console.warn(`cleanup: killed ${left} leftover process(es) under ${this.dir}`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface TreeMemory {
  privateMb: number;
  pssMb: number;
  processes: number;
}
const proc = new ProcReader();

/** Private (Pss_Anon + Pss_Shmem) and PSS of `root`'s process tree plus crashpad handlers naming `dataDir`. */
export function treeMemory(root: number, dataDir: string, exclude: number[] = []): TreeMemory {
  const table = new ProcessTable(proc);
  table.refresh();
  const { pids } = table.treeOf(root, dataDir);
  let priv = 0,
    pss = 0,
    n = 0;
  for (const pid of pids) {
    if (exclude.includes(pid)) continue;
    const s = proc.text(`${pid}/smaps_rollup`);
    const m = s && parseSmaps(s);
    if (!m) continue;
    priv += m.privateKb;
    pss += m.pssKb;
    n++;
  }
  return { privateMb: round1(priv / 1024), pssMb: round1(pss / 1024), processes: n };
}

/**
 * CPU time (user + system, seconds) used so far by `root`'s process tree and its crashpad
 * handlers: /proc/<pid>/stat fields 14 and 15, in clock ticks (100 per second on Linux).
 */
export function treeCpuSeconds(root: number, dataDir: string): number {
  const table = new ProcessTable(proc);
  table.refresh();
  let ticks = 0;
  for (const pid of table.treeOf(root, dataDir).pids) {
    const stat = proc.text(`${pid}/stat`);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

/** The memory of one process alone. */
export function processMemory(pid: number): TreeMemory {
  const s = proc.text(`${pid}/smaps_rollup`);
  const m = s && parseSmaps(s);
  return m
    ? { privateMb: round1(m.privateKb / 1024), pssMb: round1(m.pssKb / 1024), processes: 1 }
    : { privateMb: 0, pssMb: 0, processes: 0 };
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** A simulator page in its own folder with its own loopback control server. */
export function simPage(root: BenchRoot, opts: SimPageOptions) {
  const server = SimControlServer.start();
  const dir = root.sub('page');
  const page = writeSimPage(dir, { ...opts, controlUrl: server.url });
  return { server, dir, version: page.version };
}

/** A webhook receiver on port 0 that hands every event to `onEvent`. */
export function webhookReceiver(onEvent: (body: any, at: number) => void) {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const body = await req.json().catch(() => null);
      onEvent(body, performance.now());
      return new Response('ok');
    },
  });
  return { url: `http://127.0.0.1:${server.port}/hook`, stop: () => server.stop(true) };
}

export type Service = Awaited<ReturnType<typeof startWabun>>;

/**
 * The browser a benchmark's wabun runs: 'shell' leaves it to the service's own discovery (the
 * headless shell first, src/os/chromium.ts), 'full' names full chromium in
 * PUPPETEER_EXECUTABLE_PATH. Either way with the flag its page needs to reach the control server.
 */
export type BenchBrowser = 'shell' | 'full';
export const browserPath = (b: BenchBrowser) => (b === 'full' ? CHROMIUM : findChromium(''));
function browserEnv(b: BenchBrowser): Record<string, string> {
  return {
    // Empty is unset for the service: one in the caller's environment does not choose for it.
    PUPPETEER_EXECUTABLE_PATH: b === 'full' ? CHROMIUM : '',
    CHROME_PATH: '',
    CHROMIUM_EXTRA_FLAGS: controlFlags(browserPath(b)).join(' '),
  };
}

/** wabun in `dir` (data folder `<dir>/data`) serving the simulator page in `pageDir`. */
export async function startWabun(
  dir: string,
  pageDir: string,
  version: string,
  env: Record<string, string> = {},
  browser: BenchBrowser = 'shell',
) {
  const svc = await spawnService(
    {
      WAHA_WEBJS_CACHE_TYPE: 'local',
      WAHA_WEBJS_CACHE_PATH: pageDir,
      WAHA_WEBJS_WEB_VERSION: version,
      ...browserEnv(browser),
      ...env, // info: spawnService waits for the "listening" line
    },
    { dir },
  );
  const dataDir = join(dir, 'data');
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(svc.url + path, {
      method,
      headers: { 'X-Api-Key': API_KEY, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  const info = await api('GET', '/api/server/version');
  return {
    ...svc,
    dataDir,
    api,
    /** The executable the service runs, as /api/server/version reports it. */
    browser: info.browser as string,
    /** The session's folder and Chromium profile (src/engine/chromium.ts sessionDirs). */
    sessionDirs: (name: string) => sessionDirs(join(dataDir, 'sessions', name)),
    /** Creates the session stopped, grants its profile loopback access to the control server, starts it. */
    async startSession(name: string, config: Record<string, unknown> = {}) {
      await api('POST', '/api/sessions', { name, start: false, config });
      allowLoopbackControl(this.sessionDirs(name).profile);
      await api('POST', `/api/sessions/${name}/start`);
    },
    async waitStatus(name: string, want: string, timeoutMs = 60_000): Promise<number> {
      const t0 = performance.now();
      for (;;) {
        const s = await api('GET', `/api/sessions/${name}`).catch(() => null);
        if (s?.status === want) return performance.now() - t0;
        if (s?.status === 'FAILED') throw new Error(`session ${name} FAILED: ${JSON.stringify(s)}`);
        if (performance.now() - t0 > timeoutMs) throw new Error(`session ${name} not ${want} within ${timeoutMs} ms (${s?.status})`);
        await Bun.sleep(20);
      }
    },
    memory: () => treeMemory(svc.proc.pid, dataDir),
    serviceOnly: () => processMemory(svc.proc.pid),
  };
}

/**
 * The baseline: whatsapp-web.js with its default options in a plain Node.js script
 * (webjs-baseline.cjs), on the same simulator page. Commands and events are JSON lines.
 */
export async function startBaseline(dir: string, pageDir: string, version: string, clients = 1) {
  const dataPath = join(dir, 'auth');
  // Same profile preparation as the service: loopback access for the control server only
  // (LocalAuth's profile folder: session, or session-<clientId> with several clients).
  for (let i = 0; i < clients; i++) allowLoopbackControl(join(dataPath, clients > 1 ? `session-c${i}` : 'session'));
  const child = Bun.spawn(['node', join(import.meta.dir, 'webjs-baseline.cjs')], {
    cwd: join(import.meta.dir, '..', '..'),
    env: {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, '.config'),
      XDG_CACHE_HOME: join(dir, '.cache'),
      BASELINE_DATA: dataPath,
      BASELINE_CACHE: pageDir,
      BASELINE_VERSION: version,
      BASELINE_CHROMIUM: CHROMIUM,
      BASELINE_FLAGS: OFFLINE_FLAGS.join(' '),
      BASELINE_CLIENTS: String(clients),
    },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const waiters: { event: string; resolve: (m: any) => void }[] = [];
  const seen: any[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    const reader = child.stdout.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: any;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        seen.push(msg);
        for (const w of [...waiters])
          if (w.event === msg.event) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(msg);
          }
      }
    }
  })();
  const next = (event: string, timeoutMs = 60_000) =>
    new Promise<any>((resolve, reject) => {
      const hit = seen.find((m) => m.event === event);
      if (hit) {
        seen.splice(seen.indexOf(hit), 1);
        return resolve(hit);
      }
      const timer = setTimeout(() => reject(new Error(`baseline: no ${event} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        event,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  const send = (cmd: object) => {
    child.stdin.write(`${JSON.stringify(cmd)}\n`);
    child.stdin.flush();
  };
  return {
    proc: child,
    dataPath,
    next,
    send,
    memory: () => treeMemory(child.pid, dataPath),
    serviceOnly: () => processMemory(child.pid),
    async stop() {
      send({ cmd: 'quit' });
      await Promise.race([child.exited, Bun.sleep(10_000 + 2000 * clients)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
