/**
 * The process table, read from /proc: every process with its parent and group, and the one walk
 * from a set of roots down to all their descendants. Both the memory accounting (a browser's
 * tree) and the kill of a session's browser (`kill.ts`) use it.
 *
 * A Chromium browser is one process plus zygotes, GPU, network, storage and renderer children,
 * and two crashpad handlers that double-fork away from the tree (their parent becomes PID 1, or
 * the nearest "child subreaper"); the handlers are found by the session's data folder in their
 * command line.
 *
 * Cost: `refresh()` lists /proc and reads `stat` only for pids it has not seen before (a parent
 * never changes except by re-parenting, which only happens once the parent died); pids it has
 * seen are remembered. A table built for one use (`ProcessTable.now()`) reads every pid.
 */
import { resolve } from 'node:path';
import { type ProcReader, type ProcStat, procfs } from './proc';

/** `chrome_crashpad_handler` as the kernel's 15-character `comm` shows it. */
const CRASHPAD_COMM = 'chrome_crashpad';

export interface Tree {
  /** Every process of the browser: the root first, then descendants, then crashpad handlers. */
  pids: number[];
  crashpad: number;
}

export class ProcessTable {
  private known = new Map<number, ProcStat>();
  private children = new Map<number, number[]>();
  private cmdlines = new Map<number, { start: number; args: string[] }>();

  constructor(private readonly proc: ProcReader = procfs) {}

  /** A table of the processes as they are now (nothing remembered from an earlier read). */
  static now(proc: ProcReader = procfs): ProcessTable {
    const table = new ProcessTable(proc);
    table.refresh();
    return table;
  }

  /** Lists /proc once. false: the root is unreadable. */
  refresh(): boolean {
    const pids = this.proc.pids();
    if (pids === null) return false;
    const next = new Map<number, ProcStat>();
    for (const pid of pids) {
      const st = this.known.get(pid) ?? this.proc.stat(pid);
      if (st) next.set(pid, st);
    }
    // A remembered parent that is gone: the process was re-parented (crashpad's double fork),
    // and may have exec'd since it was first read. Read it again.
    for (const st of next.values()) {
      if (st.ppid > 1 && !next.has(st.ppid)) {
        const fresh = this.proc.stat(st.pid);
        if (fresh) next.set(st.pid, fresh);
        else next.delete(st.pid);
      }
    }
    this.known = next;
    this.children = new Map();
    for (const st of next.values()) {
      const list = this.children.get(st.ppid);
      if (list) list.push(st.pid);
      else this.children.set(st.ppid, [st.pid]);
    }
    for (const pid of this.cmdlines.keys()) if (!next.has(pid)) this.cmdlines.delete(pid);
    return true;
  }

  /** Every process of the last refresh. */
  all(): Iterable<ProcStat> {
    return this.known.values();
  }

  get(pid: number): ProcStat | undefined {
    return this.known.get(pid);
  }

  /** Forget a pid whose `status` contradicts what is remembered (exited, or re-used). */
  forget(pid: number): void {
    this.known.delete(pid);
  }

  parentOf(pid: number): number | null {
    return this.known.get(pid)?.ppid ?? null;
  }

  /** The roots that exist and every process below them, each once, roots first. */
  descendants(roots: Iterable<number>): number[] {
    const seen = new Set<number>();
    const out: number[] = [];
    for (const root of roots) {
      if (this.known.has(root) && !seen.has(root)) {
        seen.add(root);
        out.push(root);
      }
    }
    for (let i = 0; i < out.length; i++) {
      for (const child of this.children.get(out[i]!) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          out.push(child);
        }
      }
    }
    return out;
  }

  /** A browser's processes; `dataDir` finds its detached crashpad handlers. */
  treeOf(root: number, dataDir: string | null | undefined): Tree {
    const pids = this.descendants([root]);
    if (pids.length === 0 || !dataDir) return { pids, crashpad: 0 };
    const seen = new Set(pids);
    const dirs = [...new Set([dataDir, resolve(dataDir)])];
    let crashpad = 0;
    for (const st of this.known.values()) {
      if (seen.has(st.pid) || !st.comm.startsWith(CRASHPAD_COMM)) continue;
      if (this.argsOf(st.pid)?.some((a) => dirs.some((d) => mentions(a, d)))) {
        seen.add(st.pid);
        pids.push(st.pid);
        crashpad++;
      }
    }
    return { pids, crashpad };
  }

  /** A process's arguments, remembered while the same process (pid and start time) lives. */
  argsOf(pid: number): string[] | null {
    const st = this.known.get(pid);
    if (!st) return null;
    const hit = this.cmdlines.get(pid);
    if (hit && hit.start === st.start) return hit.args;
    const args = this.proc.cmdline(pid);
    if (args) this.cmdlines.set(pid, { start: st.start, args });
    return args;
  }
}

/** `arg` names `dir` itself or something inside it (not `dir` as the prefix of a sibling). */
function mentions(arg: string, dir: string): boolean {
  const d = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  const at = arg.indexOf(d);
  if (at < 0) return false;
  const after = arg.charAt(at + d.length);
  return after === '' || after === '/';
}
