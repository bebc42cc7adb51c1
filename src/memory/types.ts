/** What one memory sample says; `/health`, `X-Memory-Usage-MB` and `/metrics` read the latest. */
export interface MemorySample {
  /** When it was taken (ms since epoch). */
  at: number;
  /** The service process: resident set and Bun's JS heap, MB. */
  service: { rssMb: number; privateMb: number | null; heapMb: number; heapCapacityMb: number };
  /** Every session's browser tree, MB of private memory (PSS alongside). */
  browsers: { session: string; pid: number; processes: number; privateMb: number; pssMb: number }[];
  /** service private (or RSS) + every browser's private memory, MB. */
  totalMb: number;
  limitMb: number;
  percent: number;
  cgroup: { currentMb: number; maxMb: number | null } | null;
  /** What could not be read (no /proc, no cgroup): the sample degrades, never throws. */
  notes: string[];
}

/** Anything that can give the latest sample without doing I/O on the request path. */
export interface MemorySource {
  latest(): MemorySample;
}
