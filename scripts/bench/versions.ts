/** Versions of what the session benchmarks run, and the command line that reproduces a result. */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from './report';

const ROOT = join(import.meta.dir, '..', '..');

export function versions() {
  const pkg = (name: string) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    } catch {
      return 'missing';
    }
  };
  const node = Bun.spawnSync(['node', '--version']);
  const m = machineInfo();
  return {
    bun: m.bun,
    chromium: m.chromium,
    node: node.success ? node.stdout.toString().trim() : 'missing',
    whatsappWebJs: pkg('whatsapp-web.js'),
    puppeteerCore: pkg('puppeteer-core'),
  };
}

/** One markdown line with the versions. */
export function versionsLine(): string {
  const v = versions();
  return `- whatsapp-web.js ${v.whatsappWebJs}, puppeteer-core ${v.puppeteerCore}, Node.js ${v.node} (baseline); load average at start: ${START_LOAD}`;
}

const START_LOAD = loadavg()
  .map((l) => l.toFixed(2))
  .join(', ');

export const commandOf = (script: string, args: string[]) => ['bun', `scripts/bench/${script}`, ...args].join(' ');
