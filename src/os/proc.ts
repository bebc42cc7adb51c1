/**
 * Reading `/proc`: process identity, parents, command lines and memory counters. Every reader
 * returns null instead of throwing, so a missing or unreadable file (another kernel, a container
 * without /proc, a process that just exited) degrades a sample or a kill instead of failing it.
 * The root is injectable: tests point it at a fixture folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** One process as `/proc/<pid>/stat` describes it. */
export interface ProcStat {
  pid: number;
  /** The executable's name, cut to 15 characters by the kernel (`chrome_crashpad`). */
  comm: string;
  state: string;
  ppid: number;
  /** Process group. */
  pgrp: number;
  /** Clock ticks after boot: with the pid, identifies a process across pid reuse. */
  start: number;
}

/** The counters of `/proc/<pid>/status` the sampler uses, kB. */
export interface ProcStatus {
  ppid: number;
  state: string;
  rssKb: number;
  /** RssAnon + RssShmem: grows and shrinks with what the process really holds. */
  anonShmemKb: number;
}

/** What `/proc/<pid>/smaps_rollup` says, in kB. */
export interface Smaps {
  rssKb: number;
  pssKb: number;
  /** Pss_Anon + Pss_Shmem when the kernel reports them, else Private_Clean + Private_Dirty. */
  privateKb: number;
  /** false: the kernel has no Pss_Anon, the private figure is Private_Clean + Private_Dirty. */
  proportional: boolean;
}

/** Reads files under a /proc root. Never throws. */
export class ProcReader {
  constructor(readonly root = '/proc') {}

  text(rel: string): string | null {
    try {
      return readFileSync(`${this.root}/${rel}`, 'latin1');
    } catch {
      return null;
    }
  }

  /** The same, on Bun's thread pool: smaps_rollup makes the kernel walk page tables (~1–3 ms). */
  async textAsync(rel: string): Promise<string | null> {
    try {
      return await readFile(`${this.root}/${rel}`, 'latin1');
    } catch {
      return null;
    }
  }

  /** Numeric entries of the root (every visible process), or null when the root is unreadable. */
  pids(): number[] | null {
    try {
      const out: number[] = [];
      for (const name of readdirSync(this.root)) {
        const c = name.charCodeAt(0);
        if (c >= 48 && c <= 57) out.push(Number(name));
      }
      return out;
    } catch {
      return null;
    }
  }

  stat(pid: number): ProcStat | null {
    const text = this.text(`${pid}/stat`);
    return text === null ? null : parseStat(pid, text);
  }

  /** Resident counters from `status` (no page walk, ~15 µs), with the parent for a cheap identity check. */
  status(pid: number | 'self'): ProcStatus | null {
    const text = this.text(`${pid}/status`);
    return text === null ? null : parseStatus(text);
  }

  /** The arguments of a process, split on NUL. */
  cmdline(pid: number): string[] | null {
    const text = this.text(`${pid}/cmdline`);
    return text === null ? null : text.split('\0').filter(Boolean);
  }
}

/** Parses `/proc/<pid>/stat`; the name may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(pid: number, text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, starttime field 22.
  const ppid = Number(rest[1]);
  const start = Number(rest[19]);
  if (!Number.isFinite(ppid) || !Number.isFinite(start)) return null;
  return { pid, comm: text.slice(open + 1, close), state: rest[0] ?? '?', ppid, pgrp: Number(rest[2]), start };
}

/** Parses `smaps_rollup`; null when it has no Pss line (not a rollup, or a kernel thread). */
export function parseSmaps(text: string): Smaps | null {
  const kb = (key: string): number | null => {
    const at = text.indexOf(`\n${key}:`);
    if (at < 0) return null;
    const n = parseInt(text.slice(at + key.length + 2), 10);
    return Number.isFinite(n) ? n : null;
  };
  const pss = kb('Pss');
  if (pss === null) return null;
  const anon = kb('Pss_Anon');
  const shmem = kb('Pss_Shmem');
  const proportional = anon !== null;
  const privateKb = proportional ? anon + (shmem ?? 0) : (kb('Private_Clean') ?? 0) + (kb('Private_Dirty') ?? 0);
  return { rssKb: kb('Rss') ?? 0, pssKb: pss, privateKb, proportional };
}

/** Parses `/proc/<pid>/status`; null without the Rss lines (kernel threads, zombies). */
export function parseStatus(text: string): ProcStatus | null {
  const field = (key: string): string | null => {
    const at = text.indexOf(`\n${key}:`);
    if (at < 0) return null;
    const end = text.indexOf('\n', at + 1);
    return text.slice(at + key.length + 2, end < 0 ? undefined : end).trim();
  };
  const kb = (key: string) => {
    const v = field(key);
    return v === null ? null : parseInt(v, 10);
  };
  const rss = kb('VmRSS');
  const anon = kb('RssAnon');
  if (rss === null || anon === null) return null;
  return {
    ppid: Number(field('PPid') ?? 0),
    state: (field('State') ?? '?').charAt(0),
    rssKb: rss,
    anonShmemKb: anon + (kb('RssShmem') ?? 0),
  };
}

/** The machine's own /proc. */
export const procfs = new ProcReader('/proc');

/** Whether the pid names a running (not zombie) process. */
export function isAlive(pid: number, proc: ProcReader = procfs): boolean {
  const p = proc.stat(pid);
  return p !== null && p.state !== 'Z' && p.state !== 'X';
}

/** The command line of a process, arguments joined by spaces ('' for zombies and gone ones). */
export function commandLine(pid: number, proc: ProcReader = procfs): string {
  return proc.cmdline(pid)?.join(' ') ?? '';
}
