/**
 * HTTP overhead: /ping requests per second with wrk, against wabun (the compiled binary when
 * built, else the source) and against Express on Node.js, alternating, in the same run.
 *   bun scripts/bench/http.ts [--quick]
 */
import { median, spawnService, writeResult } from './harness';
import { machineLines, writeSection } from './report';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 5;
const seconds = quick ? 3 : 5; // 5 s per wrk run: /ping settles within a second; keeps the full bench under 20 minutes

if (!Bun.which('wrk')) {
  console.error('wrk is needed: apt-get install -y wrk');
  process.exit(1);
}

async function wrk(url: string): Promise<{ rps: number; p50ms: number; p99ms: number }> {
  const p = Bun.spawn(['wrk', '-t2', '-c50', `-d${seconds}s`, '--latency', url], { stdout: 'pipe', stderr: 'pipe' });
  const out = await new Response(p.stdout).text();
  await p.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const ms = (label: string) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  return { rps, p50ms: ms('50'), p99ms: ms('99') };
}

async function startExpress() {
  const proc = Bun.spawn(['node', `${import.meta.dir}/express-ping.cjs`], { stdout: 'pipe', stderr: 'inherit' });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  const port = JSON.parse(new TextDecoder().decode(value)).port as number;
  return {
    url: `http://127.0.0.1:${port}/ping`,
    stop: async () => {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}

const wabun = await spawnService();
const express = await startExpress();
const results = { wabun: [] as number[], express: [] as number[], wabunP99: [] as number[], expressP99: [] as number[] };
try {
  for (let i = 0; i < runs; i++) {
    const a = await wrk(`${wabun.url}/ping`);
    const b = await wrk(express.url);
    results.wabun.push(a.rps);
    results.wabunP99.push(a.p99ms);
    results.express.push(b.rps);
    results.expressP99.push(b.p99ms);
    console.log(`run ${i + 1}: wabun ${a.rps.toFixed(0)} req/s (p99 ${a.p99ms} ms), express ${b.rps.toFixed(0)} req/s (p99 ${b.p99ms} ms)`);
  }
} finally {
  await wabun.stop();
  await express.stop();
}

const summary = {
  runs,
  seconds,
  connections: 50,
  threads: 2,
  target: wabun.kind,
  wabunRps: median(results.wabun),
  expressRps: median(results.express),
  wabunP99Ms: median(results.wabunP99),
  expressP99Ms: median(results.expressP99),
  ratio: median(results.wabun) / median(results.express),
};
console.log(JSON.stringify(summary));
// --quick: a smoke test, not recorded
if (!quick) {
  await writeResult('http', { command: 'bun scripts/bench/http.ts', ...summary });
  await writeSection(
    '6. HTTP overhead: /ping vs Express',
    [
      `\`wrk -t${summary.threads} -c${summary.connections} -d${seconds}s\` against \`GET /ping\` on wabun (${summary.target === 'binary' ? 'the compiled `dist/wabun`' : '`bun src/index.ts`'}) and on Express 4 on Node.js`,
      "(`scripts/bench/express-ping.cjs`, the stack of the seed's earlier version), alternating, same run.",
      '',
      ...machineLines(),
      `- command: \`bun scripts/bench/http.ts\` (run at ${new Date().toISOString()}); result: \`scripts/bench/results/http.json\``,
      '',
      `| median of ${runs} | requests/s | p99 |`,
      '|---|---|---|',
      `| wabun (Bun + Elysia) | ${Math.round(summary.wabunRps)} | ${summary.wabunP99Ms} ms |`,
      `| Express on Node.js | ${Math.round(summary.expressRps)} | ${summary.expressP99Ms} ms |`,
      `| ratio | ${summary.ratio.toFixed(2)}× | |`,
    ].join('\n'),
  );
}
