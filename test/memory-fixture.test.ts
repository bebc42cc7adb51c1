/**
 * The sampler against fixture /proc and cgroup folders: missing and partial files degrade the
 * sample with notes, never an exception; the figures it can read are still exact.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MemorySampler } from '../src/memory/sampler';
import { CgroupReader } from '../src/os/cgroup';
import { ProcReader, parseSmaps, parseStat } from '../src/os/proc';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder with `files` (path → content). */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'wabun-proc-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const stat = (pid: number, comm: string, ppid: number) =>
  `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 ${1000 + pid} 1000000 100 18446744073709551615\n`;
const status = (ppid: number, rssKb: number, anonKb: number, shmemKb = 0) =>
  `Name:\tx\nState:\tS (sleeping)\nPPid:\t${ppid}\nVmRSS:\t${rssKb} kB\nRssAnon:\t${anonKb} kB\nRssFile:\t${rssKb - anonKb - shmemKb} kB\nRssShmem:\t${shmemKb} kB\n`;
const smaps = (pss: number, anon: number | null, shmem = 0) =>
  `00400000-7ffd0000 ---p 00000000 00:00 0 [rollup]\nRss: ${pss * 2} kB\nPss: ${pss} kB\n${anon === null ? '' : `Pss_Anon: ${anon} kB\nPss_Shmem: ${shmem} kB\n`}Private_Clean: 100 kB\nPrivate_Dirty: 900 kB\n`;
const heap = () => ({ heapSize: 8 * 2 ** 20, heapCapacity: 16 * 2 ** 20 });

describe('MemorySampler degrades, never throws', () => {
  test('no /proc at all: RSS from the runtime, no browsers, a note for each', () => {
    const s = new MemorySampler({
      limitMb: 300,
      procRoot: '/nonexistent/proc',
      cgroupRoot: '/nonexistent/cgroup',
      selfPid: 10,
      heap,
      browsers: () => [{ session: 'a', pid: 20, dataDir: '/d/a' }],
    }).latest();
    expect(s.service.privateMb).toBeNull();
    expect(s.service.rssMb).toBeGreaterThan(0);
    expect(s.service.heapMb).toBe(8);
    expect(s.browsers).toEqual([]);
    expect(s.totalMb).toBe(s.service.rssMb);
    expect(s.cgroup).toBeNull();
    expect(s.notes).toEqual([
      'service: /nonexistent/proc/10/status unreadable; RSS from the runtime, no private memory',
      'browsers: /nonexistent/proc unreadable; browser memory not counted',
      'cgroup: no memory controller found (not in a container, or /proc/self/cgroup unreadable)',
    ]);
  });

  test('partial files: what is readable is counted, the rest noted', async () => {
    const root = fixture({
      '10/status': status(1, 50_000, 30_000),
      '10/smaps_rollup': smaps(35_000, 20_000, 1_000),
      // Browser 20: its tree 21 (renderer) and 22 (exited: no status); crashpad 30 re-parented to 1.
      '20/stat': stat(20, 'chromium', 10),
      '20/status': status(10, 100_000, 40_000, 2_000),
      '20/smaps_rollup': smaps(60_000, 30_000, 1_000),
      '21/stat': stat(21, 'chromium', 20),
      '21/status': status(20, 80_000, 50_000), // no smaps_rollup: estimated
      '22/stat': stat(22, 'chromium', 20),
      '30/stat': stat(30, 'chrome_crashpad', 1),
      '30/status': status(1, 4_000, 1_000),
      '30/smaps_rollup': smaps(1_500, 500),
      '30/cmdline': '/usr/lib/chromium/chrome_crashpad_handler\0--database=/data/sessions/a/.config/chromium/Crash Reports\0',
      // Another session's crashpad (a folder with our name as prefix) and an unrelated process.
      '31/stat': stat(31, 'chrome_crashpad', 1),
      '31/status': status(1, 4_000, 1_000),
      '31/cmdline': '--database=/data/sessions/ab/x\0',
      '40/stat': stat(40, 'bash', 1),
      '40/status': status(1, 3_000, 2_000),
      'self/cgroup': '0::/wabun.slice\n',
    });
    const sampler = new MemorySampler({
      limitMb: 400,
      procRoot: root,
      cgroupRoot: join(root, 'none'),
      selfPid: 10,
      heap,
      browsers: () => [
        { session: 'a', pid: 20, dataDir: '/data/sessions/a' },
        { session: 'gone', pid: 99, dataDir: null },
      ],
    });
    await sampler.settled();
    const s = sampler.sample();
    expect(s.service).toEqual({ rssMb: 48.8, privateMb: 20.5, pssMb: 34.2, heapMb: 8, heapCapacityMb: 16 });
    // 20: 31,000 kB; 21: estimated 50,000 kB (RssAnon + RssShmem); 30: 500 kB.
    expect(s.browsers).toEqual([{ session: 'a', pid: 20, processes: 3, privateMb: 79.6, pssMb: 138.2, estimated: 1 }]);
    expect(s.totalMb).toBe(100.1);
    expect(s.percent).toBe(25);
    expect(s.notes).toEqual([
      "browser 'a': 1 process(es) exited or zombie, not counted",
      "browser 'gone': pid 99 not found",
      `cgroup: no memory controller found (not in a container, or /proc/self/cgroup unreadable)`,
    ]);
  });

  test('figures move with the status counters between two smaps_rollup reads', async () => {
    const files = { '10/status': status(1, 50_000, 30_000), '10/smaps_rollup': smaps(35_000, 20_000) };
    const root = fixture(files);
    const sampler = new MemorySampler({ limitMb: 300, procRoot: root, selfPid: 10, heap, cgroupRoot: root });
    await sampler.settled();
    writeFileSync(join(root, '10/status'), status(1, 60_000, 38_000)); // +8 MB anon, +10 MB resident
    const s = sampler.sample();
    expect(s.service).toMatchObject({ rssMb: 58.6, privateMb: 27.3, pssMb: 43.9 });
  });

  test('a kernel without Pss_Anon: private = Private_Clean + Private_Dirty, with a note', async () => {
    const root = fixture({ '10/status': status(1, 50_000, 30_000), '10/smaps_rollup': smaps(35_000, null) });
    const sampler = new MemorySampler({ limitMb: 300, procRoot: root, selfPid: 10, heap, cgroupRoot: root });
    await sampler.settled();
    const s = sampler.sample();
    expect(s.service.privateMb).toBe(1);
    expect(s.notes).toContain('kernel has no Pss_Anon: private = Private_Clean + Private_Dirty');
  });

  test('a session list that throws and a heap reader that throws are notes too', () => {
    const s = new MemorySampler({
      limitMb: 300,
      procRoot: '/nonexistent',
      cgroupRoot: '/nonexistent',
      selfPid: 10,
      heap: () => {
        throw new Error('no jsc');
      },
      browsers: () => {
        throw new Error('not ready');
      },
    }).latest();
    expect(s.notes.slice(0, 3)).toEqual([
      'heap: unreadable (no jsc)',
      'service: /nonexistent/10/status unreadable; RSS from the runtime, no private memory',
      'browsers: the session list failed (not ready)',
    ]);
  });
});

describe('CgroupReader', () => {
  test('v2: memory.current and memory.max ("max" = no limit)', () => {
    const root = fixture({
      'proc/self/cgroup': '0::/wabun.slice\n',
      'cg/wabun.slice/memory.current': `${300 * 2 ** 20}\n`,
      'cg/wabun.slice/memory.max': 'max\n',
    });
    const notes: string[] = [];
    expect(new CgroupReader(new ProcReader(join(root, 'proc')), join(root, 'cg')).read(notes)).toEqual({
      currentMb: 300,
      maxMb: null,
      version: 2,
      path: '/wabun.slice',
    });
    expect(notes).toEqual([]);
  });

  test('v1 on a hybrid host: usage_in_bytes and limit_in_bytes', () => {
    const root = fixture({
      'proc/self/cgroup': '4:memory:/docker/abc\n1:cpu:/\n0::/\n',
      'cg/memory/docker/abc/memory.usage_in_bytes': `${100 * 2 ** 20}`,
      'cg/memory/docker/abc/memory.limit_in_bytes': `${512 * 2 ** 20}`,
    });
    expect(new CgroupReader(new ProcReader(join(root, 'proc')), join(root, 'cg')).read([])).toEqual({
      currentMb: 100,
      maxMb: 512,
      version: 1,
      path: '/docker/abc',
    });
  });

  test('a counter that disappears: a note, and it looks again next time', () => {
    const root = fixture({ 'proc/self/cgroup': '0::/\n', 'cg/memory.current': '1048576', 'cg/memory.max': '2097152' });
    const reader = new CgroupReader(new ProcReader(join(root, 'proc')), join(root, 'cg'));
    expect(reader.read([])).toEqual({ currentMb: 1, maxMb: 2, version: 2, path: '/' });
    rmSync(join(root, 'cg/memory.current'));
    const notes: string[] = [];
    expect(reader.read(notes)).toBeNull();
    expect(notes).toEqual([`cgroup: ${join(root, 'cg')}//memory.current unreadable`]);
  });
});

test('parsers: a process name with spaces and parentheses; smaps without Pss is no rollup', () => {
  expect(parseStat(7, '7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0\n')).toEqual({
    pid: 7,
    comm: 'a (b) c',
    state: 'R',
    ppid: 1,
    pgrp: 7,
    start: 555,
  });
  expect(parseStat(7, 'garbage')).toBeNull();
  expect(parseSmaps('nothing here')).toBeNull();
});
