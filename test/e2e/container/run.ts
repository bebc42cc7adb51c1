/**
 * Running the image the way docker-compose.yml runs it, and reading what the kernel says about it.
 * `composeRunArgs` turns the compose service (limits, environment, ports, volume, grace period)
 * into `podman run` flags, so the test and the bench start exactly what `docker compose up` would;
 * `Container` follows its log, finds its published port and reads its memory cgroup from the host.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eachChunk } from '../../support/process';
import { podman, podmanEnv, REPO } from './podman';

export interface ComposeService {
  build?: string;
  image?: string;
  restart?: string;
  ports?: string[];
  mem_limit?: string;
  cpus?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  stop_grace_period?: string;
}

/** The one service of docker-compose.yml, with the names of its named volumes. */
export function composeService(file = join(REPO, 'docker-compose.yml')): { name: string; svc: ComposeService; volumes: string[] } {
  const doc = Bun.YAML.parse(readFileSync(file, 'utf8')) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
  const [name, svc] = Object.entries(doc.services)[0]!;
  return { name, svc, volumes: Object.keys(doc.volumes ?? {}) };
}

/** Compose's `${VAR:?message}` / `${VAR:-default}` / `${VAR}` with the given values; a missing required one throws. */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = vars[name];
    if (v !== undefined && v !== '') return v;
    if (op === '-') return arg ?? '';
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return '';
  });
}

/** `10s`, `1m30s`, `500ms` → seconds. */
export function composeSeconds(span: string): number {
  let total = 0;
  for (const m of span.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}

export interface RunPlan {
  /** Flags for `podman run`, before the image. */
  args: string[];
  /** Named volume → the per-run podman volume standing for it. */
  volumes: Record<string, string>;
  /** Container ports published, each on 127.0.0.1 at a port podman chooses. */
  ports: number[];
  /** stop_grace_period, seconds. */
  graceSeconds: number;
}

/**
 * `podman run` flags for the compose service: its mem_limit, cpus, environment (interpolated from
 * `vars`), ports (the container side, published on 127.0.0.1 at a port podman picks: tests never
 * use fixed ports), named volumes (each replaced by a volume of this run, `runId`-named) and bind
 * mounts as given. `restart:` is left out: a test that stops the container wants it stopped.
 */
export function composeRunArgs(svc: ComposeService, named: string[], runId: string, vars: Record<string, string>): RunPlan {
  const args: string[] = [];
  if (svc.mem_limit) args.push(`--memory=${svc.mem_limit}`);
  if (svc.cpus) args.push(`--cpus=${svc.cpus}`);
  const ports = (svc.ports ?? []).map((p) => Number(String(p).split(':').at(-1)!.split('/')[0]));
  for (const p of ports) args.push('-p', `127.0.0.1::${p}`);
  for (const [k, v] of Object.entries(svc.environment ?? {})) args.push('-e', `${k}=${interpolate(String(v), vars)}`);
  const volumes: Record<string, string> = {};
  for (const v of svc.volumes ?? []) {
    const [source, target, ...mode] = v.split(':');
    if (named.includes(source!)) {
      volumes[source!] = `${runId}-${source}`;
      args.push('-v', [volumes[source!], target, ...mode].join(':'));
    } else args.push('-v', v);
  }
  const graceSeconds = composeSeconds(svc.stop_grace_period ?? '10s');
  args.push(`--stop-timeout=${Math.ceil(graceSeconds)}`);
  return { args, volumes, ports, graceSeconds };
}

type Line = Record<string, unknown>;

/** A started container: its id, its JSON log lines as they come, its cgroup as the host sees it. */
export class Container {
  readonly lines: Line[] = [];
  /** Everything else it printed (stderr, QR art). */
  text = '';
  private readonly waiters = new Set<(l: Line) => void>();
  private follower: ReturnType<typeof Bun.spawn> | null = null;
  private memoryDir = '';
  /** `memory` (v1) or the unified path (v2), as in /proc/<pid>/cgroup, while it ran. */
  cgroupPath = '';
  cgroupVersion: 1 | 2 = 2;

  private constructor(readonly id: string) {}

  /** `podman run -d` and follows its log. */
  static async start(image: string, args: string[]): Promise<Container> {
    const { stdout } = await podman(['run', '-d', ...args, image]);
    const c = new Container(stdout.trim().split('\n').at(-1)!);
    c.follow();
    return c;
  }

  private follow(): void {
    const proc = Bun.spawn(['podman', 'logs', '-f', this.id], {
      env: podmanEnv(),
      stdout: 'pipe',
      stderr: 'pipe',
    });
    this.follower = proc;
    let buffer = '';
    const onText = (text: string) => {
      buffer += text;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const record = JSON.parse(line) as Line;
          this.lines.push(record);
          for (const w of [...this.waiters]) w(record);
        } catch {
          this.text += `${line}\n`;
        }
      }
    };
    void eachChunk(proc.stdout as ReadableStream<Uint8Array>, onText);
    void eachChunk(proc.stderr as ReadableStream<Uint8Array>, onText);
  }

  /** The first log line (past or coming) that `match` accepts; rejects after `timeoutMs` with the log so far. */
  line(match: (l: Line) => boolean, timeoutMs: number, what = 'a matching log line'): Promise<Line> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no ${what} from container ${this.id.slice(0, 12)} within ${timeoutMs} ms; its output:\n${this.tail()}`));
      }, timeoutMs);
      const check = (l: Line) => {
        if (!match(l)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(l);
      };
      this.waiters.add(check);
    });
  }

  /** The end of what it printed: its last log lines and any other output. */
  tail(lines = 15): string {
    return [...this.lines.slice(-lines).map((l) => JSON.stringify(l)), this.text.slice(-2000)].join('\n');
  }

  async inspect<T = unknown>(format: string): Promise<T> {
    return JSON.parse((await podman(['inspect', '--format', `{{json ${format}}}`, this.id])).stdout) as T;
  }

  /** The host address of a published container port (`podman port`). */
  async url(containerPort: number): Promise<string> {
    const out = (await podman(['port', this.id, `${containerPort}/tcp`])).stdout.trim().split('\n')[0]!;
    return `http://${out.replace('0.0.0.0', '127.0.0.1')}`;
  }

  /** Finds the container's memory cgroup from its first process, as the host sees it. Call while it runs. */
  async locateCgroup(): Promise<string> {
    const pid = await this.inspect<number>('.State.Pid');
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
    const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
    if (v1) {
      this.cgroupVersion = 1;
      this.cgroupPath = v1.split(':').slice(2).join(':');
      this.memoryDir = `/sys/fs/cgroup/memory${this.cgroupPath}`;
    } else {
      this.cgroupVersion = 2;
      this.cgroupPath = lines.find((l) => l.startsWith('0::'))!.slice(3);
      this.memoryDir = `/sys/fs/cgroup${this.cgroupPath}`;
    }
    return this.memoryDir;
  }

  private read(v1: string, v2: string): string | null {
    try {
      return readFileSync(join(this.memoryDir, this.cgroupVersion === 1 ? v1 : v2), 'utf8');
    } catch {
      return null;
    }
  }

  /** The memory limit the kernel enforces, bytes (null: none). */
  limitBytes(): number | null {
    const t = this.read('memory.limit_in_bytes', 'memory.max')?.trim();
    return t && t !== 'max' && Number(t) < 2 ** 60 ? Number(t) : null;
  }

  /** What the cgroup is charged now, bytes (page cache included, which the kernel reclaims before it kills). */
  usageBytes(): number {
    return Number(this.read('memory.usage_in_bytes', 'memory.current')?.trim() ?? 0);
  }

  /** The highest charge since the container started, bytes (the kernel's own counter; null where it has none). */
  peakBytes(): number | null {
    const t = this.read('memory.max_usage_in_bytes', 'memory.peak')?.trim();
    return t ? Number(t) : null;
  }

  /** Processes the kernel's OOM killer killed in this cgroup. */
  oomKills(): number {
    const t = this.read('memory.oom_control', 'memory.events') ?? '';
    return Number(/^oom_kill (\d+)$/m.exec(t)?.[1] ?? 0);
  }

  /** Anonymous + shared memory charged (what cannot be reclaimed without swap), bytes. */
  unreclaimableBytes(): number {
    const t = this.read('memory.stat', 'memory.stat') ?? '';
    const get = (k: string) => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(t)?.[1] ?? 0);
    return this.cgroupVersion === 1 ? get('total_rss') + get('total_shmem') : get('anon') + get('shmem');
  }

  /** Host pids of every process in the container's cgroup (its own view, /proc/<pid>/cgroup). */
  processes(): number[] {
    const out: number[] = [];
    const needle = this.cgroupVersion === 1 ? `:memory:${this.cgroupPath}` : `0::${this.cgroupPath}`;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const lines = readFileSync(`/proc/${name}/cgroup`, 'utf8').split('\n');
        if (lines.some((l) => l === needle || l.endsWith(needle) || l.includes(`${needle}/`))) out.push(Number(name));
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  /** Host processes that still name this container: its conmon, a `podman logs -f`. */
  processesNamingIt(): number[] {
    const out: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name) || Number(name) === this.follower?.pid) continue;
      try {
        if (readFileSync(`/proc/${name}/cmdline`, 'latin1').includes(this.id)) out.push(Number(name));
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  /** Resolves once `check()` holds, polling (what it waits on sends no event); rejects after `timeoutMs`. */
  async until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await Bun.sleep(50);
    }
  }

  /** Stops following the log (the container keeps running). */
  async unfollow(): Promise<void> {
    if (!this.follower) return;
    if (this.follower.exitCode === null) this.follower.kill('SIGTERM');
    await this.follower.exited;
    this.follower = null;
  }

  /** Removes the container, whatever its state (by id). */
  async remove(): Promise<void> {
    await this.unfollow();
    await podman(['rm', '-f', '-t', '0', this.id], { check: false });
  }
}
