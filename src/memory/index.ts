/**
 * The memory parts wired together: one timer samples every MEMORY_SAMPLE_INTERVAL_MS and hands
 * the sample to the governor (which, with MEMORY_GOVERNOR=false, only samples). What the
 * service gives: a view of its sessions, how to restart one, and how to exit.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import { type GovernorOptions, MemoryGovernor } from './governor';
import { MemorySampler } from './sampler';
import type { GovernedSession, MemoryAction } from './types';

/** One session as the memory parts need it. */
export interface SessionMemoryView {
  session: string;
  /** The browser process; null while the session has none. */
  pid: number | null;
  /** The session's data folder: finds the crashpad handlers that detach from the tree. */
  dataDir: string | null;
  /** Engine.relieveMemory of a WORKING session; null otherwise. */
  relieve: GovernedSession['relieve'];
  /** config.memoryLimitMb; null: no per-session budget. */
  memoryLimitMb: number | null;
}

export interface MemoryWiring {
  config: Pick<Config, 'MEMORY_THRESHOLD_MB' | 'MAX_HEAP_SIZE_MB' | 'GC_INTERVAL_MS' | 'MEMORY_SAMPLE_INTERVAL_MS' | 'MEMORY_GOVERNOR'>;
  log: Logger;
  sessions: () => SessionMemoryView[];
  /** Restart a session's browser keeping its login (SessionManager.restart). */
  recycle: (session: string) => Promise<unknown>;
  /** Default: process.exit. */
  exit?: (code: number) => void;
  onAction?: (a: MemoryAction) => void;
  /** Default: Bun.gc. */
  gc?: (full: boolean) => void;
  clock?: Clock;
  /** Hysteresis margin and cooldowns (defaults in governor.ts). */
  tuning?: Pick<GovernorOptions, 'marginPct' | 'cooldownMs'>;
  procRoot?: string;
  cgroupRoot?: string;
}

/** The sampler (a MemorySource for /health and X-Memory-Usage-MB) and the governor, not started. */
export function createMemory(w: MemoryWiring) {
  const log = w.log.child({ component: 'memory' });
  const safeSessions = () => {
    try {
      return w.sessions();
    } catch (err) {
      log.warn('memory: the session view failed', { error: err instanceof Error ? err.message : String(err) });
      return [];
    }
  };
  const sampler = new MemorySampler({
    limitMb: w.config.MEMORY_THRESHOLD_MB,
    browsers: () => safeSessions().flatMap((s) => (s.pid ? [{ session: s.session, pid: s.pid, dataDir: s.dataDir }] : [])),
    procRoot: w.procRoot,
    now: w.clock && (() => w.clock!.now()),
    cgroupRoot: w.cgroupRoot,
  });
  const governor = new MemoryGovernor(
    { enabled: w.config.MEMORY_GOVERNOR, maxHeapMb: w.config.MAX_HEAP_SIZE_MB, gcIntervalMs: w.config.GC_INTERVAL_MS, ...w.tuning },
    {
      sample: () => sampler.sample(),
      measure: () => sampler.measure(),
      sessions: () => safeSessions().map((s) => ({ session: s.session, relieve: s.relieve, memoryLimitMb: s.memoryLimitMb })),
      gc: w.gc ?? ((full) => Bun.gc(full)),
      recycle: async (session) => {
        await w.recycle(session);
      },
      exit: w.exit ?? ((code) => process.exit(code)),
      log,
      clock: w.clock,
      onAction: w.onAction,
    },
  );
  return {
    sampler,
    governor,
    /** A session's budget, for the memory report. */
    budgetOf: (session: string) => safeSessions().find((s) => s.session === session)?.memoryLimitMb ?? null,
    start: () => governor.start(w.config.MEMORY_SAMPLE_INTERVAL_MS),
    stop: () => governor.stop(),
  };
}

export type Memory = ReturnType<typeof createMemory>;
