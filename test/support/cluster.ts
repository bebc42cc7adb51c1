/**
 * Three (or more) service processes on one PostgreSQL schema, each with its own data folder and
 * real Chromium, on one simulator world: what the cluster's end-to-end test and benchmark drive.
 */
import { join } from 'node:path';
import { procfs } from '../../src/os/proc';
import { reap } from '../../src/os/reaper';
import { allowLoopbackControl } from '../sim/index';
import { allGone, livingWithEnv, type Started, startProcess } from './process';
import { type E2eWorld, processesOf } from './world';

const ROOT = join(import.meta.dir, '..', '..');

export interface ClusterNodeProcess {
  id: string;
  dir: string;
  child: Started;
  base: string;
}

export class ClusterRig {
  readonly nodes = new Map<string, ClusterNodeProcess>();
  private readonly all: Started[] = [];
  /**
   * Every process of the nodes seen so far. A killed node's browser is re-parented to this test
   * process when it is a subreaper (in-process services make it one), and Bun does not reap what it
   * did not spawn: dispose() reaps these by pid, or the zombies outlive the file.
   */
  private readonly seen = new Set<number>();
  /** In every process the nodes start (browsers included): how leftovers are found. */
  readonly mark = `WABUN_E2E_CLUSTER=${crypto.randomUUID()}`;

  constructor(
    readonly world: E2eWorld,
    readonly url: string,
    readonly env: Record<string, string> = {},
  ) {}

  dir(id: string): string {
    return join(this.world.root, id);
  }

  /** Lets the named sessions' pages reach the control server on every node that may run them. */
  allowControl(ids: readonly string[], sessions: readonly string[]): void {
    for (const id of ids) for (const s of sessions) allowLoopbackControl(join(this.dir(id), 'sessions', s, 'session'));
  }

  async start(id: string): Promise<ClusterNodeProcess> {
    const [name, value] = this.mark.split('=') as [string, string];
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.world.root,
      [name]: value,
      ...this.world.env({
        WAHA_LOCAL_STORE_BASE_DIR: this.dir(id),
        WAHA_WORKER_ID: id,
        WHATSAPP_SESSIONS_POSTGRESQL_URL: this.url,
        WAHA_LOG_LEVEL: 'info',
        ...this.env,
      }),
    };
    const child = await startProcess([process.execPath, 'src/index.ts'], { cwd: ROOT, env, timeoutMs: 60_000 });
    this.all.push(child);
    const node = { id, dir: this.dir(id), child, base: `http://127.0.0.1:${child.port}` };
    this.nodes.set(id, node);
    return node;
  }

  /** The log lines of every process started so far, killed ones included. */
  lines(): Record<string, unknown>[] {
    return this.all.flatMap((c) => c.lines);
  }

  node(id: string): ClusterNodeProcess {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  async api(id: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
    const res = await fetch(this.node(id).base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  }

  /** Polls `check` until it is true (processes cannot be awaited on otherwise). */
  async until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      this.note();
      if (await check()) return;
      if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
      await Bun.sleep(200);
    }
  }

  /** A session as node `via` shows it (forwarded to its owner when another node runs it). */
  async session(via: string, name: string): Promise<{ status: string; assignedWorker: string | null } | null> {
    const r = await this.api(via, 'GET', `/api/sessions/${name}`).catch(() => null);
    return r?.status === 200 ? r.json : null;
  }

  /** The nodes' processes, and their browsers, found by their profile folders (a browser's environment is not inherited). */
  private note(): void {
    for (const pid of livingWithEnv(this.mark)) this.seen.add(pid);
    for (const id of this.nodes.keys()) for (const pid of processesOf(join(this.dir(id), 'sessions'))) this.seen.add(pid);
  }

  async dispose(): Promise<void> {
    this.note();
    for (const c of this.all) {
      try {
        c.kill('SIGCONT');
        c.kill('SIGKILL');
      } catch {
        /* gone */
      }
      await c.proc.exited;
    }
    for (const id of this.nodes.keys())
      for (const pid of processesOf(join(this.dir(id), 'sessions'))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* exited meanwhile */
        }
      }
    this.note();
    for (const pid of livingWithEnv(this.mark)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    }
    await allGone(this.mark, 10_000);
    const dead = (pid: number) => {
      const state = procfs.stat(pid)?.state;
      return state === undefined || state === 'Z';
    };
    await this.until(() => [...this.seen].every(dead), "the nodes' browsers to exit", 10_000);
    const spawned = new Set(this.all.map((c) => c.proc.pid));
    for (const pid of this.seen) if (!spawned.has(pid)) reap(pid);
  }
}
