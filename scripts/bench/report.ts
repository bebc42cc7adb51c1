/** BENCHMARKS.md: one section per benchmark, each replaced in place when its benchmark runs again. */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export const BENCHMARKS_MD = join(import.meta.dir, '..', '..', 'BENCHMARKS.md');

const HEADER = `# Benchmarks

Measured by \`bun run bench\` (scripts/bench). Each section is rewritten by its own benchmark;
numbers are from the machine named in the section, not targets.
`;

/** Where a number came from: the machine and the versions of what ran. */
export function machineInfo(): { cpu: string; cores: number; memoryGb: number; bun: string; chromium: string; os: string } {
  const version = (path: string) => {
    const r = Bun.spawnSync([path, '--version'], { stderr: 'ignore' });
    return r.success ? r.stdout.toString().trim() : 'not installed';
  };
  const full = version('/usr/lib/chromium/chromium');
  const shell = version('/usr/lib/chromium/chromium-headless-shell');
  let os = 'unknown';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(require('node:fs').readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    /* not Linux */
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: navigator.hardwareConcurrency,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    bun: Bun.version,
    chromium: `${full} (full), headless shell ${shell.replace(/^Chromium /, '')}`,
    os,
  };
}

/** Markdown lines describing the machine, for the top of a section. */
export function machineLines(): string[] {
  const m = machineInfo();
  return [
    `- machine: ${m.cores} cores (\`nproc\`), ${m.memoryGb} GB memory, ${m.cpu}; ${m.os}`,
    `- versions: bun ${m.bun}; ${m.chromium}`,
    `- load average (1, 5, 15 min) when it finished: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (other work on the machine skews results)`,
  ];
}

/**
 * Replaces the section `## <title>` (up to the next `## `) in BENCHMARKS.md, or appends it.
 * `body` is the section's text without its heading.
 */
export async function writeSection(title: string, body: string, file = BENCHMARKS_MD): Promise<void> {
  const f = Bun.file(file);
  let text = (await f.exists()) ? await f.text() : HEADER;
  const heading = `## ${title}\n`;
  const section = `${heading}\n${body.trim()}\n\n`;
  const start = text.indexOf(heading);
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf('\n## ', start + heading.length);
    text = text.slice(0, start) + section + (next === -1 ? '' : text.slice(next + 1));
  }
  await Bun.write(file, `${text.trimEnd()}\n`);
  console.log(`updated "${title}" in ${file}`);
}
