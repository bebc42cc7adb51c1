/**
 * Chromium's process trees, read from /proc (Linux) and ended with SIGKILL.
 *
 * A browser is one process plus zygotes, GPU, network, storage and renderer children, and two
 * crashpad handlers that double-fork away from the tree (their parent becomes PID 1, or the
 * nearest "child subreaper"). The handlers are found by the session's data folder in their
 * command line (their `--database` lies under its XDG_CONFIG_HOME), as is every other process
 * of that session.
 *
 * Zombies: a killed process stays a zombie until its parent reaps it. Chromium's helpers are
 * orphaned when the browser dies, so without an init that reaps (tini / `docker --init`) they
 * pile up under PID 1. `adoptOrphans()` makes this process their subreaper instead, and
 * `killTree` reaps the ones it killed (never the browser itself: Bun reaps its own child).
 */
import { dlopen, FFIType } from 'bun:ffi';
import { readdirSync, readFileSync } from 'node:fs';
import { type ProcStat, parseStat } from '../memory/proc';

/** One process as /proc/<pid>/stat describes it (state Z: a zombie). */
export type ProcInfo = ProcStat;

/** Reads /proc/<pid>/stat; null when the process is gone. */
export function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  return parseStat(pid, stat);
}

/** The command line of a process, arguments joined by spaces ('' for zombies and gone ones). */
export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const p = readProc(pid);
    if (p) out.push(p);
  }
  return out;
}

function descendants(roots: number[], procs: ProcInfo[]): Set<number> {
  const kids = new Map<number, number[]>();
  for (const p of procs) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const todo = [...roots];
  while (todo.length) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    todo.push(...(kids.get(pid) ?? []));
  }
  return seen;
}

/** `pid` and every process below it (live or zombie), root first. */
export function processTree(pid: number): number[] {
  if (!readProc(pid)) return [];
  return [...descendants([pid], allProcs())];
}

/**
 * A Chromium process (main, `--type=` helper or crashpad handler) that names `marker`: an editor
 * or a `tail -f` in the session folder names it too, and must not be killed with the browser.
 */
function isBrowserOf(cmdline: string, marker: string): boolean {
  return cmdline.includes(marker) && /--user-data-dir=|--type=|crashpad_handler|--database=/.test(cmdline);
}

/**
 * Every process of one browser: the tree under `rootPid` (if given), every Chromium process whose
 * command line mentions `marker` (the session's data folder with a trailing '/'), their trees,
 * and their process groups. The groups matter once the browser is dead: its GPU and network processes
 * name no folder and are no longer below it, but stay in the group it led (puppeteer spawns
 * the browser detached, as a group leader).
 */
export function sessionProcesses(rootPid: number | null, marker?: string): number[] {
  const procs = allProcs();
  const roots: number[] = [];
  const groups = new Set<number>();
  if (rootPid) groups.add(rootPid);
  if (rootPid && procs.some((p) => p.pid === rootPid)) roots.push(rootPid);
  if (marker) {
    for (const p of procs) {
      if (p.pid === process.pid || !isBrowserOf(readCmdline(p.pid), marker)) continue;
      roots.push(p.pid);
      groups.add(p.pgrp);
    }
  }
  groups.delete(readProc(process.pid)?.pgrp ?? -1); // never our own group
  groups.delete(0);
  groups.delete(1);
  for (const p of procs) if (groups.has(p.pgrp) && p.pid !== process.pid) roots.push(p.pid);
  return [...descendants(roots, procs)];
}

/** Whether the pid names a running (not zombie) process. */
export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== null && p.state !== 'Z' && p.state !== 'X';
}

const libc = (() => {
  if (process.platform !== 'linux') return null;
  for (const name of ['libc.so.6', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1']) {
    try {
      return dlopen(name, {
        prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
        waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      }).symbols;
    } catch {
      /* try the next name */
    }
  }
  return null;
})();

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;
let subreaper: boolean | null = null;

/**
 * Become the "child subreaper" of our descendants (prctl), so orphaned Chromium helpers are
 * re-parented to us and `killTree` can reap them. Idempotent; false where unsupported.
 */
export function adoptOrphans(): boolean {
  if (subreaper === null) subreaper = libc !== null && libc.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) === 0;
  return subreaper;
}

/**
 * Reaps every zombie child of ours that Bun did not spawn, i.e. the orphans adopted as
 * subreaper. Reaping a child Bun spawned would make Bun's own waitpid fail and throw, so those
 * are told apart by their process group: Bun's children either lead their own group (puppeteer
 * spawns the browser detached) or stay in ours; Chromium's helpers are in the browser's group,
 * and the crashpad handlers in the group of the short-lived process that forked them.
 * Returns how many were reaped.
 */
export function reapOrphans(): number {
  if (!libc || subreaper !== true) return 0;
  const ownGroup = readProc(process.pid)?.pgrp;
  let n = 0;
  for (const p of allProcs()) {
    if (p.ppid !== process.pid || p.state !== 'Z' || p.pgrp === p.pid || p.pgrp === ownGroup) continue;
    if (libc.waitpid(p.pid, null, WNOHANG) === p.pid) n++;
  }
  return n;
}

/** A process as seen at one moment: the start time tells it apart from a later one with its pid. */
export interface ProcRef {
  pid: number;
  start: number;
  /** Its parent was not us then: Bun did not spawn it, so once it is our zombie (adopted), we may reap it. */
  forked: boolean;
}

function ref(p: ProcInfo): ProcRef {
  return { pid: p.pid, start: p.start, forked: p.ppid !== process.pid };
}

/** The processes of `sessionProcesses`, to be killed or awaited later even once their command line is gone. */
export function snapshot(rootPid: number | null, marker?: string): ProcRef[] {
  return sessionProcesses(rootPid, marker).flatMap((pid) => {
    const p = readProc(pid);
    return p ? [ref(p)] : [];
  });
}

export interface KillOptions {
  /** Also kill every process whose command line contains this (see `sessionProcesses`). */
  marker?: string;
  /** Also these (taken earlier with `snapshot`): helpers that exit after their browser have no command line left to match. */
  also?: ProcRef[];
  /** How long to wait for the processes to be gone. */
  timeoutMs?: number;
}

/**
 * SIGKILLs `rootPid`'s whole tree (and the marker's processes), then waits until each one is
 * gone: reaped by us (adopted orphans), by Bun (its own child, the browser), or a zombie of
 * another parent (PID 1: only an init can reap those). Resolves with the number killed.
 */
export async function killTree(rootPid: number | null, opts: KillOptions = {}): Promise<number> {
  const killed = new Map<number, ProcRef>();
  const kill = (r: ProcRef) => {
    killed.set(r.pid, r);
    try {
      process.kill(r.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  for (const r of opts.also ?? []) if (readProc(r.pid)?.start === r.start) kill(r);
  // Repeat: a process may fork between the scan and the kill.
  for (let round = 0; round < 5; round++) {
    let fresh = 0;
    // Read every parent before the first kill: a child of a killed process is re-parented at once.
    for (const r of snapshot(rootPid, opts.marker)) {
      if (r.pid === process.pid || killed.get(r.pid)?.start === r.start) continue;
      kill(r);
      fresh++;
    }
    if (fresh === 0) break;
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  for (;;) {
    reapOrphans();
    let pending = 0;
    for (const r of killed.values()) {
      const p = readProc(r.pid);
      if (!p || p.start !== r.start) continue; // gone (or the pid was reused)
      if (p.state === 'Z' && p.ppid !== process.pid) continue;
      if (p.state === 'Z' && r.forked && libc?.waitpid(r.pid, null, WNOHANG) === r.pid) continue;
      pending++;
    }
    if (pending === 0 || Date.now() > deadline) break;
    await Bun.sleep(10);
  }
  return killed.size;
}
