/**
 * Ending a session's browser: every process of it found in the process table, SIGKILLed, and
 * waited for until gone (reaped by us, by Bun, or a zombie of another parent).
 */

import { procfs } from './proc';
import { ProcessTable } from './process-table';
import { reap, reapOrphans } from './reaper';

/**
 * A Chromium process (main, `--type=` helper or crashpad handler) that names `marker`: an editor
 * or a `tail -f` in the session folder names it too, and must not be killed with the browser.
 */
function isBrowserOf(args: string[], marker: string): boolean {
  const cmdline = args.join(' ');
  return cmdline.includes(marker) && /--user-data-dir=|--type=|crashpad_handler|--database=/.test(cmdline);
}

/**
 * Every process of one browser: the tree under `rootPid` (if given), every Chromium process whose
 * command line mentions `marker` (the session's data folder with a trailing '/'), their trees,
 * and their process groups. The groups matter once the browser is dead: its GPU and network
 * processes name no folder and are no longer below it, but stay in the group it led (puppeteer
 * spawns the browser detached, as a group leader).
 */
export function sessionProcesses(rootPid: number | null, marker?: string, table: ProcessTable = ProcessTable.now()): number[] {
  const roots: number[] = [];
  const groups = new Set<number>();
  if (rootPid) {
    groups.add(rootPid);
    roots.push(rootPid);
  }
  if (marker) {
    for (const p of table.all()) {
      if (p.pid === process.pid || !isBrowserOf(table.argsOf(p.pid) ?? [], marker)) continue;
      roots.push(p.pid);
      groups.add(p.pgrp);
    }
  }
  groups.delete(table.get(process.pid)?.pgrp ?? -1); // never our own group
  groups.delete(0);
  groups.delete(1);
  for (const p of table.all()) if (groups.has(p.pgrp) && p.pid !== process.pid) roots.push(p.pid);
  return table.descendants(roots);
}

/** A process as seen at one moment: the start time tells it apart from a later one with its pid. */
export interface ProcRef {
  pid: number;
  start: number;
  /** Its parent was not us then: Bun did not spawn it, so once it is our zombie (adopted), we may reap it. */
  forked: boolean;
}

/** The processes of `sessionProcesses`, to be killed or awaited later even once their command line is gone. */
export function snapshot(rootPid: number | null, marker?: string): ProcRef[] {
  const table = ProcessTable.now();
  return sessionProcesses(rootPid, marker, table).flatMap((pid) => {
    const p = table.get(pid);
    return p ? [{ pid: p.pid, start: p.start, forked: p.ppid !== process.pid }] : [];
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
  for (const r of opts.also ?? []) if (procfs.stat(r.pid)?.start === r.start) kill(r);
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
      const p = procfs.stat(r.pid);
      if (!p || p.start !== r.start) continue; // gone (or the pid was reused)
      if (p.state === 'Z' && p.ppid !== process.pid) continue;
      if (p.state === 'Z' && r.forked && reap(r.pid)) continue;
      pending++;
    }
    if (pending === 0 || Date.now() > deadline) break;
    // No event tells when another parent's child is gone: the process table is polled.
    await Bun.sleep(10);
  }
  return killed.size;
}
