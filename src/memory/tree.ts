/**
 * Finding each browser's processes: the tree under its root pid (from every process's parent)
 * plus Chromium's crashpad handlers, which double-fork and re-parent to PID 1 and so are found
 * by the session's data folder in their command line.
 *
 * Cost: a sample lists /proc and reads `stat` only for pids it has not seen before (a parent
 * never changes except by re-parenting, which only happens once the parent died); pids it has
 * seen are remembered. The caller re-reads `status` of every counted process anyway, which
 * catches a re-used pid by its changed parent.
 */
import { resolve } from 'node:path';
import type { ProcReader, ProcStat } from './proc';

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

  constructor(private readonly proc: ProcReader) {}

  /** Lists /proc once for this sample. false: the root is unreadable. */
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

  /** Forget a pid whose `status` contradicts what is remembered (exited, or re-used). */
  forget(pid: number): void {
    this.known.delete(pid);
  }

  has(pid: number): boolean {
    return this.known.has(pid);
  }

  parentOf(pid: number): number | null {
    return this.known.get(pid)?.ppid ?? null;
  }

  /** The browser's processes; `dataDir` finds its detached crashpad handlers. */
  treeOf(root: number, dataDir: string | null | undefined): Tree {
    if (!this.known.has(root)) return { pids: [], crashpad: 0 };
    const seen = new Set<number>([root]);
    const pids = [root];
    for (let i = 0; i < pids.length; i++) {
      for (const child of this.children.get(pids[i]!) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          pids.push(child);
        }
      }
    }
    let crashpad = 0;
    if (dataDir) {
      const dirs = [...new Set([dataDir, resolve(dataDir)])];
      for (const st of this.known.values()) {
        if (seen.has(st.pid) || !st.comm.startsWith(CRASHPAD_COMM)) continue;
        const args = this.argsOf(st);
        if (args?.some((a) => dirs.some((d) => mentions(a, d)))) {
          seen.add(st.pid);
          pids.push(st.pid);
          crashpad++;
        }
      }
    }
    return { pids, crashpad };
  }

  private argsOf(st: ProcStat): string[] | null {
    const hit = this.cmdlines.get(st.pid);
    if (hit && hit.start === st.start) return hit.args;
    const args = this.proc.cmdline(st.pid);
    if (args) this.cmdlines.set(st.pid, { start: st.start, args });
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
