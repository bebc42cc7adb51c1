/**
 * Cold start: from spawning the executable to the first `GET /health` answered 200.
 *   bun scripts/bench/startup.ts [--quick] [--runs N] [--binary PATH] [--no-write]
 *
 * Each run is a new process in a new empty folder (the executable copied there alone), so
 * nothing is shared between runs except the kernel's page cache, which the first, untimed run
 * fills: this measures process start, not disk reads. The port is picked before the spawn so
 * that /health can be polled in a tight loop from the first microsecond.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DEFAULT_OUTFILE, ensureBuilt, ROOT } from '../build';
import { median, writeResult } from './harness';
import { machineLines, writeSection } from './report';

export interface StartupRun {
  healthMs: number;
  listeningMs: number;
  memoryMb: number;
}

/** A port free right now (the service binds it a moment later; a clash fails the run loudly). */
function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** One cold start of `exe` (already copied into `dir`). */
export async function startOnce(exe: string, dir: string): Promise<StartupRun> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}/health`;
  let listeningMs = NaN;
  const t0 = performance.now();
  const proc = Bun.spawn([exe], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      PORT: String(port),
      WAHA_API_KEY: 'bench',
      WAHA_LOCAL_STORE_BASE_DIR: join(dir, 'data'),
    },
    stdout: 'pipe',
    stderr: 'inherit',
  });
  // Note when the "listening" line arrives, without slowing the poll loop below.
  void (async () => {
    const reader = proc.stdout.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      if (Number.isNaN(listeningMs) && buffer.includes('"msg":"listening"')) listeningMs = performance.now() - t0;
    }
  })();
  try {
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`wabun exited with ${proc.exitCode} before /health answered`);
      try {
        const res = await fetch(url, { keepalive: false });
        if (res.status === 200) {
          const healthMs = performance.now() - t0;
          const body = (await res.json()) as { memory_mb: number };
          return { healthMs, listeningMs, memoryMb: body.memory_mb };
        }
        await res.arrayBuffer();
      } catch {
        // Connection refused: not listening yet. Try again at once.
      }
      if (performance.now() - t0 > 30_000) throw new Error('no /health 200 within 30 s');
    }
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
  }
}

export interface StartupResult {
  runs: StartupRun[];
  exe: string;
  bytes: number;
  command: string;
}

/** `runs` timed cold starts after one untimed warm-up. */
export async function benchStartup(runs: number, binary?: string): Promise<StartupResult> {
  const exe = binary ?? (await ensureBuilt(DEFAULT_OUTFILE)).outfile;
  const out: StartupRun[] = [];
  for (let i = 0; i <= runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'wabun-start-'));
    try {
      const copy = join(dir, 'wabun');
      copyFileSync(exe, copy);
      const r = await startOnce(copy, dir);
      if (i > 0) {
        out.push(r);
        console.log(
          `run ${i}: /health 200 after ${r.healthMs.toFixed(1)} ms (listening line ${r.listeningMs.toFixed(1)} ms), ${r.memoryMb} MB`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { runs: out, exe, bytes: Bun.file(exe).size, command: `bun scripts/bench/startup.ts --runs ${runs}` };
}

const fmt = (n: number) => n.toFixed(1);

/** The BENCHMARKS.md section for a result. */
export function startupSection(r: StartupResult): string {
  const col = (k: keyof StartupRun) => r.runs.map((x) => x[k]);
  const row = (label: string, xs: number[], unit: string) =>
    `| ${label} | ${fmt(median(xs))} ${unit} | ${fmt(Math.min(...xs))} ${unit} | ${fmt(Math.max(...xs))} ${unit} |`;
  return [
    'Spawn of the compiled executable (`dist/wabun`, copied alone into an empty folder, `PORT` set,',
    'a key set, no session) until the first `GET /health` answered 200, polled in a tight loop.',
    'One untimed run first fills the page cache. Aim: ≤ 150 ms.',
    '',
    ...machineLines(),
    `- executable: ${relative(ROOT, r.exe) || r.exe}, ${(r.bytes / 1e6).toFixed(1)} MB (\`bun run build\`)`,
    `- command: \`${r.command}\` (run at ${new Date().toISOString()})`,
    '',
    `| ${r.runs.length} runs | median | min | max |`,
    '|---|---|---|---|',
    row('first /health 200', col('healthMs'), 'ms'),
    row('"listening" log line', col('listeningMs'), 'ms'),
    row('memory_mb in that /health', col('memoryMb'), 'MB'),
  ].join('\n');
}

if (import.meta.main) {
  const argv = process.argv;
  const at = argv.indexOf('--runs');
  const runs = at !== -1 ? Number(argv[at + 1]) : argv.includes('--quick') ? 5 : 11;
  const b = argv.indexOf('--binary');
  const result = await benchStartup(Math.max(5, runs), b !== -1 ? argv[b + 1] : undefined);
  const section = startupSection(result);
  console.log(section);
  if (!argv.includes('--no-write') && !argv.includes('--quick')) {
    // --quick: a smoke test, not recorded
    await writeSection('5a. Cold start to the first /health', section);
    const col = (k: keyof StartupRun) => median(result.runs.map((x) => x[k]));
    await writeResult('startup', {
      command: result.command,
      runs: result.runs.length,
      exe_mb: result.bytes / 1e6,
      health_ms: col('healthMs'),
      listening_ms: col('listeningMs'),
      memory_mb: col('memoryMb'),
      raw: result.runs,
    });
  }
}
