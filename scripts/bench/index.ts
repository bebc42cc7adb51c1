/**
 * `bun run bench [--quick]`: every benchmark, one after the other, each in its own process so
 * that none warms up the next. Each records its own result (startup: its section of BENCHMARKS.md).
 * Add a benchmark by adding a line to BENCHMARKS below.
 */
import { join } from 'node:path';

interface Benchmark {
  script: string;
  /** Why it cannot run here, or null when it can. */
  missing?: () => string | null;
}

const BENCHMARKS: Benchmark[] = [
  { script: 'startup.ts' },
  { script: 'http.ts', missing: () => (Bun.which('wrk') ? null : 'wrk is not installed (apt-get install -y wrk)') },
];

const passOn = process.argv.slice(2).filter((a) => a === '--quick');
let failed = 0;
for (const b of BENCHMARKS) {
  const why = b.missing?.() ?? null;
  if (why) {
    console.log(`\n== ${b.script}: skipped, ${why}`);
    continue;
  }
  console.log(`\n== ${b.script}`);
  const proc = Bun.spawn(['bun', join(import.meta.dir, b.script), ...passOn], { stdout: 'inherit', stderr: 'inherit' });
  const code = await proc.exited;
  if (code !== 0) {
    failed++;
    console.error(`${b.script} failed with exit code ${code}`);
  }
}
process.exit(failed ? 1 : 0);
