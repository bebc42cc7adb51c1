/** Shared pieces of the benchmarks: medians, starting the service, recording results. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..', '..');

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** The compiled binary when it has been built, else the source through bun. */
export function serviceCommand(): { cmd: string[]; kind: 'binary' | 'source' } {
  const bin = join(ROOT, 'dist', 'wabun');
  if (Bun.file(bin).size > 0) return { cmd: [bin], kind: 'binary' };
  return { cmd: ['bun', join(ROOT, 'src', 'index.ts')], kind: 'source' };
}

/** Starts wabun on a free port with a temp data folder; resolves once it logged "listening". */
export async function spawnService(env: Record<string, string> = {}, opts: { dir?: string } = {}) {
  const { cmd, kind } = serviceCommand();
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'wabun-bench-'));
  const proc = Bun.spawn(cmd, {
    cwd: dir,
    // info: the "listening" line below is logged at info level.
    env: { ...process.env, PORT: '0', WAHA_API_KEY: 'bench', WAHA_LOG_LEVEL: 'info', WAHA_LOCAL_STORE_BASE_DIR: join(dir, 'data'), ...env },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let port = 0;
  while (!port) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`wabun exited before listening (code ${await proc.exited})`);
    buffer += decoder.decode(value);
    const m = /"msg":"listening".*?"port":(\d+)/.exec(buffer);
    if (m) port = Number(m[1]);
  }
  // Keep draining stdout so the service never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done);
  })();
  return {
    kind,
    dir,
    proc,
    url: `http://127.0.0.1:${port}`,
    /** SIGTERM and wait; a temp folder made here is removed (a given `dir` is the caller's). */
    stop: async () => {
      proc.kill('SIGTERM');
      await proc.exited;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes one benchmark's result as JSON under scripts/bench/results/ (BENCHMARKS.md quotes them). */
export async function writeResult(name: string, data: unknown) {
  const file = join(import.meta.dir, 'results', `${name}.json`);
  await Bun.write(file, `${JSON.stringify({ at: new Date().toISOString(), ...(data as object) }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
