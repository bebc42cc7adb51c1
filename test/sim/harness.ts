/**
 * Test helpers for running whatsapp-web.js's real Client, in real Chromium, against the
 * simulator: one temp root per test (web cache, LocalAuth data, the browser's HOME), clients
 * destroyed afterwards, and a check that no Chromium process of the test outlives it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LocalAuth } from 'whatsapp-web.js';
import { chromiumPath, OFFLINE_FLAGS } from '../support/process';
import { controlFlags, type SimPageOptions, webjsOptions, writeSimPage } from './index';

/** The browser the tests run (test/support/process.ts chromiumPath: the product's discovery). */
export const CHROMIUM = chromiumPath();

/** A temp root with the simulator page written into `${root}/cache`. */
export class SimRoot {
  readonly dir = mkdtempSync(join(tmpdir(), 'wabun-sim-'));
  readonly page: { version: string; path: string };
  private readonly clients: Client[] = [];

  constructor(opts: SimPageOptions = {}) {
    this.page = writeSimPage(join(this.dir, 'cache'), opts);
  }

  /** LocalAuth's profile directory for `clientId` (whatsapp-web.js: `${dataPath}/session[-id]`). */
  profileDir(clientId?: string) {
    return join(this.dir, 'auth', clientId ? `session-${clientId}` : 'session');
  }

  /** A Client on this root's page and LocalAuth data (same root + clientId = same profile). */
  client(opts: { clientId?: string; extra?: Record<string, unknown> } = {}): Client {
    const client = new Client({
      authStrategy: new LocalAuth({ dataPath: join(this.dir, 'auth'), clientId: opts.clientId }),
      ...webjsOptions(this.page),
      puppeteer: {
        executablePath: CHROMIUM,
        headless: true,
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        // offline, root in a container (docs/chromium.md); the control server reachable
        args: [...OFFLINE_FLAGS, ...controlFlags(CHROMIUM)],
        env: { ...process.env, HOME: this.dir, XDG_CONFIG_HOME: join(this.dir, '.config'), XDG_CACHE_HOME: join(this.dir, '.cache') },
      },
      ...opts.extra,
    });
    this.clients.push(client);
    return client;
  }

  /** Destroys every client, waits for the test's Chromium processes to exit, removes the root. */
  async cleanup(): Promise<void> {
    for (const c of this.clients.splice(0)) await c.destroy().catch(() => {});
    const left = await waitForNoProcesses(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
    if (left.length) throw new Error(`Chromium processes outlived the test (killed): ${left.join(', ')}`);
  }
}

/** Resolves with the arguments of the next `name` event that passes `filter`. */
export function nextEvent<T extends unknown[] = unknown[]>(
  client: Client,
  name: string,
  filter: (...args: T) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      if (!filter(...(args as T))) return;
      clearTimeout(timer);
      client.off(name, onEvent);
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      client.off(name, onEvent);
      reject(new Error(`no '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(name, onEvent);
  });
}

/** PIDs whose command line mentions `dir`. */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}

/** Waits (up to 5 s) for the processes of `dir` to exit; kills and returns any that did not. */
async function waitForNoProcesses(dir: string): Promise<number[]> {
  const until = Date.now() + 5000;
  let pids = processesUnder(dir);
  while (pids.length && Date.now() < until) {
    await Bun.sleep(50); // polling the process table: there is no event for "a helper exited"
    pids = processesUnder(dir);
  }
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}
