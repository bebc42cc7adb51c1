/**
 * Zombies: a killed process stays a zombie until its parent reaps it. Chromium's helpers are
 * orphaned when the browser dies, so without an init that reaps (tini / `docker --init`) they
 * pile up under PID 1. `adoptOrphans()` makes this process their "child subreaper" instead, and
 * `reapOrphans()` reaps the ones that died (never a child Bun spawned: Bun reaps its own).
 */
import { dlopen, FFIType } from 'bun:ffi';
import { procfs } from './proc';
import { ProcessTable } from './process-table';

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

/** Become the subreaper of our descendants (prctl). Idempotent; false where unsupported. */
export function adoptOrphans(): boolean {
  if (subreaper === null) subreaper = libc !== null && libc.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) === 0;
  return subreaper;
}

/** Reaps one zombie child of ours by pid; true when it was reaped. */
export function reap(pid: number): boolean {
  return libc?.waitpid(pid, null, WNOHANG) === pid;
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
  const ownGroup = procfs.stat(process.pid)?.pgrp;
  let n = 0;
  for (const p of ProcessTable.now().all()) {
    if (p.ppid !== process.pid || p.state !== 'Z' || p.pgrp === p.pid || p.pgrp === ownGroup) continue;
    if (reap(p.pid)) n++;
  }
  return n;
}
