/**
 * The service with the real engine in real Chromium, loading the WhatsApp Web simulator through
 * the real WAHA_WEBJS_CACHE_TYPE=local feature, driven by the simulator's loopback control server.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ComposeOptions } from '../../src/compose';
import { type Config, parseConfig } from '../../src/config';
import { sessionProcesses } from '../../src/os/kill';
import { commandLine } from '../../src/os/proc';
import { allowLoopbackControl, controlFlags, type SimPageOptions, writeSimPage } from '../sim/index';
import { SimControlServer } from '../sim/server';
import { chromiumPath } from './process';
import { type RunningService, startService } from './service';

/** A temp root with the simulator page and a control server; services started on it share its data folder. */
export class E2eWorld {
  readonly root = mkdtempSync(join(tmpdir(), 'wabun-e2e-'));
  readonly sim = SimControlServer.start();
  readonly page: { version: string; path: string };
  readonly dataDir = join(this.root, 'data');
  private readonly services: RunningService[] = [];

  /** `page`: the simulator's options for every session of this world (e.g. `business: true`). */
  constructor(page: Omit<SimPageOptions, 'controlUrl'> = {}) {
    this.page = writeSimPage(join(this.root, 'cache'), { ...page, controlUrl: this.sim.url });
  }

  /**
   * The service's environment on this world (also what a child process is given): the test's
   * browser, with the flags that let its page reach the control server.
   */
  env(extra: Record<string, string> = {}): Record<string, string> {
    const chromium = chromiumPath();
    return {
      PUPPETEER_EXECUTABLE_PATH: chromium,
      CHROMIUM_EXTRA_FLAGS: controlFlags(chromium).join(' '),
      WAHA_LOCAL_STORE_BASE_DIR: this.dataDir,
      PORT: '0',
      WHATSAPP_API_HOSTNAME: '127.0.0.1',
      WAHA_NO_API_KEY: 'true',
      WAHA_LOG_LEVEL: 'error',
      WAHA_WEBJS_CACHE_TYPE: 'local',
      WAHA_WEBJS_CACHE_PATH: join(this.root, 'cache'),
      WAHA_WEBJS_WEB_VERSION: this.page.version,
      INITIAL_RECONNECT_DELAY: '100',
      MAX_RECONNECT_ATTEMPTS: '2',
      ...extra,
    };
  }

  config(env: Record<string, string> = {}): Config {
    return parseConfig(this.env(env));
  }

  async start(env: Record<string, string> = {}, options: Partial<ComposeOptions> = {}): Promise<RunningService> {
    const svc = await startService(this.config(env), options);
    this.services.push(svc);
    return svc;
  }

  /** The session's folder, as the manager lays it out. */
  sessionDir(name: string): string {
    return resolve(this.dataDir, 'sessions', name);
  }

  /** Lets the session's page reach the control server (Chromium's Local Network Access check). */
  allowControl(name: string): void {
    allowLoopbackControl(join(this.sessionDir(name), 'session'));
  }

  async dispose(): Promise<void> {
    for (const svc of this.services) await svc.stop();
    await this.sim.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every live process of a session (browser, helpers, crashpad handlers). */
export const processesOf = (dir: string): number[] => sessionProcesses(null, `${dir}/`);

/** The session's main browser processes (no `--type=`): one per running browser. */
export const browsersOf = (dir: string, chromium = ''): number[] =>
  processesOf(dir).filter((pid) => {
    const cmd = commandLine(pid);
    return !cmd.includes('--type=') && !cmd.includes('crashpad') && (!chromium || cmd.startsWith(chromium));
  });

/** Whether the profile holds a SingletonLock (a symlink, dangling when stale: lstat, not exists). */
export function hasSingletonLock(dir: string): boolean {
  try {
    lstatSync(join(dir, 'session', 'SingletonLock'));
    return true;
  } catch {
    return false;
  }
}

/** Open file descriptors of this process. */
export const openFds = (): number => readdirSync('/proc/self/fd').length;

/** GET/POST against a running service, JSON in and out. */
export async function http(
  svc: RunningService,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await fetch(new URL(path, svc.url), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
