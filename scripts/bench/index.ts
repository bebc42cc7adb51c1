/**
 * `bun run bench [--quick]`: every benchmark, one after the other, each in its own process so
 * that none warms up the next. Each records its result in scripts/bench/results/*.json and its
 * section of BENCHMARKS.md; summary.ts then writes the verdicts at the top. The full run takes about
 * 35 minutes (the 10-minute soak and the 10-minute container run are most of it); --quick is a smoke
 * test of a few minutes that records nothing. Not in it: scripts/bench/flags.ts, the flag list
 * measured flag by flag (about an hour on the busy account; docs/chromium.md quotes it).
 * Add a benchmark by adding a line to BENCHMARKS below.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { whyNot } from '../../test/e2e/container/podman';

interface Benchmark {
  script: string;
  /** Why it cannot run here, or null when it can. */
  missing?: () => string | null;
  /** Extra arguments (besides --quick). */
  args?: string[];
}

/**
 * The session benchmarks need both of Debian's browsers (wabun runs on the headless shell and on
 * full chromium side by side; the baseline on full chromium) and Node.js (the baseline).
 */
const needsSim = () =>
  !existsSync('/usr/lib/chromium/chromium') || !existsSync('/usr/lib/chromium/chromium-headless-shell')
    ? 'both browsers are needed (apt-get install -y chromium-headless-shell chromium)'
    : !Bun.which('node')
      ? 'node is not installed (the baseline runs on Node.js)'
      : null;

const BENCHMARKS: Benchmark[] = [
  { script: 'startup.ts' },
  { script: 'http.ts', missing: () => (Bun.which('wrk') ? null : 'wrk is not installed (apt-get install -y wrk)') },
  { script: 'memory.ts', missing: needsSim },
  { script: 'latency.ts', missing: needsSim },
  { script: 'session-startup.ts', missing: needsSim },
  { script: 'sessions.ts', missing: needsSim },
  // The same ten sessions on the small account (--quick already uses it).
  {
    script: 'sessions.ts',
    missing: () => needsSim() ?? (process.argv.includes('--quick') ? 'the --quick run above used the small account' : null),
    args: ['--small'],
  },
  { script: 'soak.ts', missing: needsSim },
  // The image under docker-compose.yml's limits, both browsers: needs rootful podman (test/e2e/container).
  { script: 'container.ts', missing: whyNot },
  // Last: the verdicts at the top of BENCHMARKS.md, from the results above.
  { script: 'summary.ts', missing: () => (process.argv.includes('--quick') ? 'a --quick run records nothing' : null) },
];

const passOn = process.argv.slice(2).filter((a) => a === '--quick');
let failed = 0;
for (const b of BENCHMARKS) {
  const why = b.missing?.() ?? null;
  if (why) {
    console.log(`\n== ${b.script}: skipped, ${why}`);
    continue;
  }
  console.log(`\n== ${[b.script, ...(b.args ?? [])].join(' ')}`);
  const t0 = performance.now();
  const proc = Bun.spawn(['bun', join(import.meta.dir, b.script), ...(b.args ?? []), ...passOn], { stdout: 'inherit', stderr: 'inherit' });
  const code = await proc.exited;
  console.log(`== ${b.script}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  if (code !== 0) {
    failed++;
    console.error(`${b.script} failed with exit code ${code}`);
  }
}
process.exit(failed ? 1 : 0);
