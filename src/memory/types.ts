/** One session's Chromium process tree in a sample, MB. */
export interface BrowserMemory {
  session: string;
  /** The browser (root) process. */
  pid: number;
  /** Processes counted: the tree under `pid` plus the crashpad handlers that detached from it. */
  processes: number;
  /** Memory that cannot be reclaimed without swap: anon + shmem, proportional (see sampler.ts). */
  privateMb: number;
  /** Proportional set size: shared pages split between the processes that map them. */
  pssMb: number;
  /** Processes whose figures are estimated from `statm` until their smaps_rollup is read. */
  estimated?: number;
}

/** What one memory sample says; `/health`, `X-Memory-Usage-MB` and `/metrics` read the latest. */
export interface MemorySample {
  /** When it was taken (ms since epoch). */
  at: number;
  /** The service process: resident set and Bun's JS heap, MB. */
  service: { rssMb: number; privateMb: number | null; pssMb?: number | null; heapMb: number; heapCapacityMb: number };
  /** Every session's browser tree, MB of private memory (PSS alongside). */
  browsers: BrowserMemory[];
  /** service private (or RSS) + every browser's private memory, MB. */
  totalMb: number;
  limitMb: number;
  percent: number;
  /** The memory cgroup (container limit), when there is one. */
  cgroup: { currentMb: number; maxMb: number | null; version?: 1 | 2; path?: string } | null;
  /** What could not be read (no /proc, no cgroup): the sample degrades, never throws. */
  notes: string[];
}

/** Anything that can give the latest sample without doing I/O on the request path. */
export interface MemorySource {
  latest(): MemorySample;
}

/** A session's browser, as the sampler needs to find its processes. */
export interface BrowserRef {
  session: string;
  pid: number;
  /**
   * The session's data folder (profile, HOME, XDG_*). Chromium's crashpad handlers re-parent to
   * PID 1, so they are found by this path in their command line. null: they are not counted.
   */
  dataDir?: string | null;
}

/** One session as the governor sees it. */
export interface GovernedSession {
  session: string;
  /** Frees what the session's page can spare (Engine.relieveMemory); null while it is not WORKING. */
  relieve: ((level: 'cleanup' | 'aggressive') => Promise<Record<string, unknown>>) | null;
  /** The session's `config.memoryLimitMb`; null: no per-session budget. */
  memoryLimitMb: number | null;
}

/** Steps of the governor, in the order they escalate; then the others it records. */
export type GovernorStep = 'cleanup' | 'warning' | 'aggressive' | 'recycle' | 'exit' | 'budget' | 'heap' | 'gc';

/** One action of the governor, with the total before and after, MB. */
export interface MemoryAction {
  step: GovernorStep;
  at: string;
  before_mb: number;
  after_mb: number;
  /** The session recycled (recycle, budget). */
  session?: string;
  /** What the step did or found (pages cleaned, messages trimmed, errors). */
  detail?: Record<string, unknown>;
}
