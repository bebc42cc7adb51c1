import type { MemorySample, MemorySource } from '../../memory/types';
import { VERSION } from '../../version';
import { environmentView } from './environment';

/** How long a stop waits after answering (WAHA's 1 s): the answer reaches the client first. */
export const STOP_DELAY_MS = 1000;

/** What the server routes need to know about the rest of the service. */
export interface ServerDeps {
  memory: MemorySource;
  startedAt: number;
  workerId: string;
  /** The browser's executable path (WAHA's `browser`), or 'unknown' without one. */
  browser: () => string;
  /** Session counts, for `whatsapp_ready` and /api/info. */
  sessionCounts: () => { total: number; working: number };
  /** The governor's last action, if any. */
  lastMemoryAction?: () => { step: string; at: string; before_mb: number; after_mb: number } | null;
  /** The process environment (GET /api/server/environment); default: process.env. */
  env?: () => Record<string, string | undefined>;
  /** Ends the service for its supervisor to start again (POST /api/server/stop); `force`: browsers killed, not closed. */
  stop?: (force: boolean) => void;
}

/** Server facts for /health, /api/server/*, /api/info; no HTTP here. */
export class ServerService {
  constructor(private readonly deps: ServerDeps) {}

  memoryBlock(s: MemorySample = this.deps.memory.latest()) {
    const browsers = s.browsers.reduce((sum, b) => sum + b.privateMb, 0);
    return {
      service_mb: s.service.privateMb ?? s.service.rssMb,
      heap_mb: s.service.heapMb,
      browsers_mb: Math.round(browsers * 10) / 10,
      total_mb: s.totalMb,
      limit_mb: s.limitMb,
      percent: s.percent,
      sampled_at: new Date(s.at).toISOString(),
      last_action: this.deps.lastMemoryAction?.() ?? null,
    };
  }

  health() {
    const s = this.deps.memory.latest();
    return {
      status: s.percent >= 120 ? ('degraded' as const) : ('healthy' as const),
      mode: 'production-optimized' as const,
      whatsapp_ready: this.deps.sessionCounts().working > 0,
      memory_mb: Math.round(s.totalMb),
      timestamp: new Date().toISOString(),
      memory: this.memoryBlock(s),
    };
  }

  version() {
    return {
      version: VERSION,
      engine: 'WEBJS' as const,
      tier: 'CORE' as const,
      browser: this.deps.browser(),
      platform: `${process.platform}/${process.arch}`,
      worker: { id: this.deps.workerId },
    };
  }

  status() {
    return {
      startTimestamp: this.deps.startedAt,
      uptime: Date.now() - this.deps.startedAt,
      worker: { id: this.deps.workerId },
    };
  }

  /** WAHA's families (`WAHA_*`, `WHATSAPP_*`, `DEBUG`) unless `all`; secrets masked. */
  environment(all: boolean): Record<string, string> {
    return environmentView(this.deps.env?.() ?? process.env, all);
  }

  /** Answers at once; the stop itself follows STOP_DELAY_MS later, as WAHA's does. */
  stop(force: boolean): { stopping: true } {
    const stop = this.deps.stop;
    if (stop) setTimeout(() => stop(force), STOP_DELAY_MS);
    return { stopping: true };
  }

  info() {
    return {
      name: 'wabun' as const,
      version: VERSION,
      engine: 'WEBJS' as const,
      mode: 'production-optimized' as const,
      runtime: `bun ${Bun.version}`,
      sessions: this.deps.sessionCounts(),
      memory_mb: Math.round(this.deps.memory.latest().totalMb),
      uptime_ms: Date.now() - this.deps.startedAt,
      docs: '/docs',
    };
  }
}
