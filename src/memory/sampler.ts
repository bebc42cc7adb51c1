/**
 * The memory sampler: the service process, each session's Chromium tree, the cgroup.
 *
 * What "private" means here: Pss_Anon + Pss_Shmem from smaps_rollup — anonymous and shared
 * memory, each page split between the processes that map it. It is what cannot be reclaimed
 * without swap (what a container limit really pays; file pages such as Chromium's 200 MB binary
 * are page cache the kernel can drop), and, being proportional, a sum over Chromium's processes
 * counts their shared memory once instead of leaving it out (Private_Clean + Private_Dirty
 * would, and would count clean file pages). Kernels without Pss_Anon fall back to
 * Private_Clean + Private_Dirty, with a note.
 *
 * Cost: smaps_rollup makes the kernel walk a process's page tables — measured 1–3.5 ms per
 * Chromium process, ~17 ms per browser tree, far over the 5 ms budget for ten sessions. So a
 * sample reads only the counters of `/proc/<pid>/status` (RssAnon, RssShmem, VmRSS: no page walk)
 * and adjusts each process's last smaps_rollup figures by how much those counters moved since;
 * smaps_rollup itself is re-read in the background, off the event loop, when older than
 * `detailMaxAgeMs` (and at once for a process never read: until then its figures are the raw
 * counters, an over-estimate, and the browser's `estimated` says how many).
 */
import { heapSize } from 'bun:jsc';
import { CgroupReader } from '../os/cgroup';
import { ProcReader, type ProcStatus, parseSmaps } from '../os/proc';
import { ProcessTable } from '../os/process-table';
import type { BrowserMemory, BrowserRef, MemorySample, MemorySource } from './types';

const MB = 1024 * 1024;
const KB_PER_MB = 1024;
const round = (n: number) => Math.round(n * 10) / 10;

export interface SamplerOptions {
  /** MEMORY_THRESHOLD_MB: the limit `percent` is relative to. */
  limitMb: number;
  /** Running browsers (SessionManager.browsers() with each session's data folder). */
  browsers?: () => BrowserRef[];
  /** Default /proc; tests point it at a fixture. */
  procRoot?: string;
  /** Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** The service's own pid (default process.pid). */
  selfPid?: number;
  /** smaps_rollup of a process is re-read when older than this (default 30 s). */
  detailMaxAgeMs?: number;
  now?: () => number;
  /**
   * Bun's heap, bytes. Default: `heapSize()` from bun:jsc (the same number as heapStats().heapSize;
   * heapStats() itself counts every object's type and took 14 ms on a 300k-object heap) and, for
   * the capacity, `process.memoryUsage().heapTotal`.
   */
  heap?: () => { heapSize: number; heapCapacity: number };
}

/** Last smaps_rollup figures of one process, and its status counters at that moment. */
interface Detail {
  at: number;
  privateKb: number;
  pssKb: number;
  anonShmemKb: number;
  rssKb: number;
  proportional: boolean;
}

/** Samples memory on demand; `latest()` is the last sample, for the request path. */
export class MemorySampler implements MemorySource {
  readonly proc: ProcReader;
  private readonly table: ProcessTable;
  private readonly cgroup: CgroupReader;
  private readonly details = new Map<number, Detail>();
  private readonly tracked = new Set<number>();
  private last: MemorySample;
  private refreshing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: SamplerOptions) {
    this.proc = new ProcReader(opts.procRoot ?? '/proc');
    this.table = new ProcessTable(this.proc);
    this.cgroup = new CgroupReader(this.proc, opts.cgroupRoot ?? '/sys/fs/cgroup');
    this.now = opts.now ?? Date.now;
    this.last = this.sample();
  }

  latest(): MemorySample {
    return this.last;
  }

  /** Takes a sample now (synchronous, a few ms) and starts a background smaps refresh if due. */
  sample(): MemorySample {
    const s = this.take();
    void this.refreshDetails();
    return s;
  }

  /** Re-reads smaps_rollup of every current process, then samples: exact figures (~17 ms per browser, off the event loop). */
  async measure(): Promise<MemorySample> {
    this.take(); // finds the processes as they are now (a recycled browser has new ones)
    await this.refreshDetails(0);
    return this.sample();
  }

  /** Waits for a background smaps refresh in progress (tests, benchmarks). */
  async settled(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }

  private take(): MemorySample {
    const notes: string[] = [];
    const selfPid = this.opts.selfPid ?? process.pid;
    const tracked = new Set<number>([selfPid]);

    const heap = safeHeap(this.opts.heap, notes);
    const self = this.account(selfPid, this.proc.status(selfPid));
    let service: MemorySample['service'];
    if (self) {
      service = {
        rssMb: round(self.rssKb / KB_PER_MB),
        privateMb: round(self.privateKb / KB_PER_MB),
        pssMb: round(self.pssKb / KB_PER_MB),
        heapMb: heap.heapMb,
        heapCapacityMb: heap.heapCapacityMb,
      };
    } else {
      notes.push(`service: ${this.proc.root}/${selfPid}/status unreadable; RSS from the runtime, no private memory`);
      service = {
        rssMb: round(process.memoryUsage.rss() / MB),
        privateMb: null,
        pssMb: null,
        heapMb: heap.heapMb,
        heapCapacityMb: heap.heapCapacityMb,
      };
    }

    const browsers: BrowserMemory[] = [];
    let refs: BrowserRef[] = [];
    try {
      refs = this.opts.browsers?.() ?? [];
    } catch (err) {
      notes.push(`browsers: the session list failed (${err instanceof Error ? err.message : String(err)})`);
    }
    if (refs.length > 0 && !this.table.refresh()) {
      notes.push(`browsers: ${this.proc.root} unreadable; browser memory not counted`);
      refs = [];
    }
    for (const ref of refs) {
      const b = this.browser(ref, tracked, notes);
      if (b) browsers.push(b);
    }
    if (this.details.size > 0 && [...this.details.values()].some((d) => !d.proportional))
      notes.push('kernel has no Pss_Anon: private = Private_Clean + Private_Dirty');

    const cgroup = this.cgroup.read(notes);
    const serviceMb = service.privateMb ?? service.rssMb;
    const totalMb = round(serviceMb + browsers.reduce((s, b) => s + b.privateMb, 0));
    for (const pid of this.details.keys()) if (!tracked.has(pid)) this.details.delete(pid);
    this.tracked.clear();
    for (const pid of tracked) this.tracked.add(pid);

    this.last = {
      at: this.now(),
      service,
      browsers,
      totalMb,
      limitMb: this.opts.limitMb,
      percent: round((totalMb / this.opts.limitMb) * 100),
      cgroup,
      notes,
    };
    return this.last;
  }

  private browser(ref: BrowserRef, tracked: Set<number>, notes: string[]): BrowserMemory | null {
    const tree = this.table.treeOf(ref.pid, ref.dataDir);
    if (tree.pids.length === 0) {
      notes.push(`browser '${ref.session}': pid ${ref.pid} not found`);
      return null;
    }
    let privateKb = 0,
      pssKb = 0,
      processes = 0,
      estimated = 0,
      zombies = 0;
    for (const pid of tree.pids) {
      const status = this.proc.status(pid);
      const parent = this.table.parentOf(pid);
      if (status && pid !== ref.pid && parent !== null && status.ppid !== parent && status.ppid !== 1) {
        this.table.forget(pid); // a re-used pid: no longer ours
        continue;
      }
      if (!status) {
        zombies++;
        continue;
      }
      const m = this.account(pid, status)!;
      tracked.add(pid);
      processes++;
      privateKb += m.privateKb;
      pssKb += m.pssKb;
      if (m.estimated) estimated++;
    }
    if (zombies > 0) notes.push(`browser '${ref.session}': ${zombies} process(es) exited or zombie, not counted`);
    if (!ref.dataDir) notes.push(`browser '${ref.session}': no data folder given; detached crashpad handlers not counted`);
    const out: BrowserMemory = {
      session: ref.session,
      pid: ref.pid,
      processes,
      privateMb: round(privateKb / KB_PER_MB),
      pssMb: round(pssKb / KB_PER_MB),
    };
    if (estimated > 0) out.estimated = estimated;
    return out;
  }

  /** One process's figures: its last smaps_rollup moved by the change of its status counters. */
  private account(pid: number, status: ProcStatus | null): { privateKb: number; pssKb: number; rssKb: number; estimated: boolean } | null {
    if (!status) return null;
    const d = this.details.get(pid);
    if (!d) return { privateKb: status.anonShmemKb, pssKb: status.rssKb, rssKb: status.rssKb, estimated: true };
    return {
      privateKb: Math.max(0, d.privateKb + status.anonShmemKb - d.anonShmemKb),
      pssKb: Math.max(0, d.pssKb + status.rssKb - d.rssKb),
      rssKb: status.rssKb,
      estimated: false,
    };
  }

  /** Reads smaps_rollup of tracked processes never read or older than `maxAgeMs`, one at a time. */
  private refreshDetails(maxAgeMs = this.opts.detailMaxAgeMs ?? 30_000): Promise<void> {
    if (this.refreshing) return maxAgeMs === 0 ? this.refreshing.then(() => this.refreshDetails(0)) : this.refreshing;
    const now = this.now();
    const due = [...this.tracked].filter((pid) => {
      const d = this.details.get(pid);
      return !d || now - d.at >= maxAgeMs;
    });
    if (due.length === 0) return Promise.resolve();
    due.sort((a, b) => (this.details.get(a)?.at ?? -1) - (this.details.get(b)?.at ?? -1));
    this.refreshing = (async () => {
      for (const pid of due) {
        const text = await this.proc.textAsync(`${pid}/smaps_rollup`);
        const status = this.proc.status(pid);
        const smaps = text === null ? null : parseSmaps(text);
        if (!smaps || !status) {
          this.details.delete(pid);
          continue;
        }
        this.details.set(pid, {
          at: this.now(),
          privateKb: smaps.privateKb,
          pssKb: smaps.pssKb,
          anonShmemKb: status.anonShmemKb,
          rssKb: status.rssKb,
          proportional: smaps.proportional,
        });
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }
}

function safeHeap(heap: SamplerOptions['heap'], notes: string[]): { heapMb: number; heapCapacityMb: number } {
  try {
    const h = (heap ?? runtimeHeap)();
    return { heapMb: round(h.heapSize / MB), heapCapacityMb: round(h.heapCapacity / MB) };
  } catch (err) {
    notes.push(`heap: unreadable (${err instanceof Error ? err.message : String(err)})`);
    return { heapMb: 0, heapCapacityMb: 0 };
  }
}

function runtimeHeap(): { heapSize: number; heapCapacity: number } {
  return { heapSize: heapSize(), heapCapacity: process.memoryUsage().heapTotal };
}
