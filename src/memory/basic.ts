import { heapStats } from 'bun:jsc';
import type { MemorySample, MemorySource } from './types';

const MB = 1024 * 1024;
const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The smallest memory source: the service process alone, sampled on a timer so that requests
 * read a number instead of making a syscall each. The governor (src/memory/governor.ts)
 * replaces it with whole-tree accounting.
 */
export class ProcessMemorySource implements MemorySource {
  private sample: MemorySample;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly limitMb: number, intervalMs: number) {
    this.sample = this.take();
    this.timer = setInterval(() => { this.sample = this.take(); }, intervalMs);
    this.timer.unref?.();
  }

  latest(): MemorySample {
    return this.sample;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private take(): MemorySample {
    const heap = heapStats();
    const rssMb = round(process.memoryUsage.rss() / MB);
    return {
      at: Date.now(),
      service: { rssMb, privateMb: null, heapMb: round(heap.heapSize / MB), heapCapacityMb: round(heap.heapCapacity / MB) },
      browsers: [],
      totalMb: rssMb,
      limitMb: this.limitMb,
      percent: round((rssMb / this.limitMb) * 100),
      cgroup: null,
      notes: ['browsers not sampled by this source'],
    };
  }
}
