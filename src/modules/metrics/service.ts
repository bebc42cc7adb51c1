/** The memory report and the Prometheus text; no HTTP here. */
import type { MemoryAction, MemorySample, MemorySource } from '../../memory/types';
import type { WabunMetrics } from './metrics';
import type { MemoryReport } from './model';

export interface MetricsDeps {
  metrics: WabunMetrics;
  /** The latest periodic sample: /metrics does no I/O. */
  memory: MemorySource;
  /** A fresh sample for /api/server/memory (MemorySampler.sample, ~ms); default: the latest. */
  sample?: () => MemorySample;
  /** The governor's state; absent: reported as off. */
  governor?: { readonly enabled: boolean; recent(): MemoryAction[] } | null;
  /** A session's memoryLimitMb (null: none). */
  budgetOf?: (session: string) => number | null;
}

export class MetricsService {
  constructor(private readonly deps: MetricsDeps) {}

  /** The body of GET /metrics. */
  prometheus(): string {
    this.deps.metrics.memory(this.deps.memory.latest());
    return this.deps.metrics.registry.render();
  }

  /** GET /api/server/memory: a fresh sample with the per-session breakdown. */
  memoryReport(): MemoryReport {
    const s = this.deps.sample?.() ?? this.deps.memory.latest();
    const recent = this.deps.governor?.recent() ?? [];
    const lastStep = recent.find((a) => a.step !== 'gc') ?? null;
    return {
      sampled_at: new Date(s.at).toISOString(),
      service: {
        rss_mb: s.service.rssMb,
        private_mb: s.service.privateMb,
        pss_mb: s.service.pssMb ?? null,
        heap_mb: s.service.heapMb,
        heap_capacity_mb: s.service.heapCapacityMb,
      },
      browsers: s.browsers.map((b) => ({
        session: b.session,
        pid: b.pid,
        processes: b.processes,
        private_mb: b.privateMb,
        pss_mb: b.pssMb,
        estimated_processes: b.estimated ?? 0,
        limit_mb: this.deps.budgetOf?.(b.session) ?? null,
      })),
      total_mb: s.totalMb,
      limit_mb: s.limitMb,
      percent: s.percent,
      cgroup: s.cgroup && {
        current_mb: s.cgroup.currentMb,
        max_mb: s.cgroup.maxMb,
        version: s.cgroup.version ?? null,
        path: s.cgroup.path ?? null,
      },
      notes: s.notes,
      governor: { enabled: this.deps.governor?.enabled ?? false, last_action: lastStep, recent_actions: recent },
    };
  }
}
