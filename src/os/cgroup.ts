/**
 * The memory cgroup this process is charged to: what the container limit (`mem_limit`) sees.
 * cgroup v2 (`memory.current`/`memory.max`) first, then v1 (`memory.usage_in_bytes`/
 * `memory.limit_in_bytes`, still found on hybrid hosts). The file pair is found once from
 * `/proc/self/cgroup` and then read each sample (two small reads).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ProcReader } from './proc';

const MB = 1024 * 1024;
/** v1 reports "no limit" as a number near 2^63 rounded down to a page. */
const V1_UNLIMITED = 2 ** 60;

export interface CgroupMemory {
  currentMb: number;
  maxMb: number | null;
  version: 1 | 2;
  path: string;
}

interface Files {
  current: string;
  max: string;
  version: 1 | 2;
  path: string;
}

const round = (n: number) => Math.round(n * 10) / 10;

function readNumber(file: string): number | 'max' | null {
  try {
    const text = readFileSync(file, 'latin1').trim();
    if (text === 'max') return 'max';
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Finds and reads the cgroup's memory counters; `read()` never throws. */
export class CgroupReader {
  private files: Files | null | undefined;

  constructor(
    private readonly proc: ProcReader,
    private readonly root = '/sys/fs/cgroup',
  ) {}

  /** The counters, or null with the reason in `notes`. */
  read(notes: string[]): CgroupMemory | null {
    if (this.files === undefined) this.files = this.locate();
    if (this.files === null) {
      notes.push('cgroup: no memory controller found (not in a container, or /proc/self/cgroup unreadable)');
      return null;
    }
    const { current, max, version, path } = this.files;
    const cur = readNumber(current);
    if (typeof cur !== 'number') {
      notes.push(`cgroup: ${current} unreadable`);
      this.files = undefined; // look again next time: the cgroup may have moved
      return null;
    }
    const lim = readNumber(max);
    const maxMb = typeof lim === 'number' && lim < V1_UNLIMITED ? round(lim / MB) : null;
    return { currentMb: round(cur / MB), maxMb, version, path };
  }

  private locate(): Files | null {
    const text = this.proc.text('self/cgroup');
    if (text === null) return null;
    const lines = text
      .trim()
      .split('\n')
      .map((l) => {
        const [, , controllers = '', path = '/'] = /^(\d+):([^:]*):(.*)$/.exec(l) ?? [];
        return { controllers: controllers.split(','), path };
      });
    const candidates: Files[] = [];
    const v2 = lines.find((l) => l.controllers.length === 1 && l.controllers[0] === '');
    if (v2) {
      // In a cgroup namespace the path is "/" and the mount is the cgroup itself.
      for (const base of [`${this.root}${v2.path}`, `${this.root}/unified${v2.path}`, this.root])
        candidates.push({ current: `${base}/memory.current`, max: `${base}/memory.max`, version: 2, path: v2.path });
    }
    const v1 = lines.find((l) => l.controllers.includes('memory'));
    if (v1) {
      for (const base of [`${this.root}/memory${v1.path}`, `${this.root}/memory`])
        candidates.push({ current: `${base}/memory.usage_in_bytes`, max: `${base}/memory.limit_in_bytes`, version: 1, path: v1.path });
    }
    return candidates.find((c) => existsSync(c.current)) ?? null;
  }
}
