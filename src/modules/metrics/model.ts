/** Schemas of the memory report and /metrics. Types come from these. */
import { t } from 'elysia';

const mb = (description?: string) => t.Number(description ? { description } : {});
const nullableMb = (description: string) => t.Union([t.Number(), t.Null()], { description });

export const MemoryActionBody = t.Object({
  step: t.String({ description: 'cleanup, warning, aggressive, recycle, exit, budget, heap or gc' }),
  at: t.String({ format: 'date-time' }),
  before_mb: mb('Total before the action'),
  after_mb: mb('Total after it'),
  session: t.Optional(t.String({ description: 'The session recycled' })),
  detail: t.Optional(t.Record(t.String(), t.Unknown())),
});

export const BrowserMemoryBody = t.Object({
  session: t.String(),
  pid: t.Number({ description: 'The browser process' }),
  processes: t.Number({ description: 'Processes counted: the tree and its detached crashpad handlers' }),
  private_mb: mb('Anon + shmem, proportional: what cannot be reclaimed without swap'),
  pss_mb: mb('Proportional set size'),
  estimated_processes: t.Number({ description: 'Processes whose smaps_rollup is not read yet (raw counters, an over-estimate)' }),
  limit_mb: nullableMb("The session's memoryLimitMb budget, if any"),
});

export const MemoryReport = t.Object(
  {
    sampled_at: t.String({ format: 'date-time' }),
    service: t.Object({
      rss_mb: mb(),
      private_mb: nullableMb('Anon + shmem (null when /proc is unreadable)'),
      pss_mb: nullableMb('Proportional set size'),
      heap_mb: mb('Bun JS heap in use'),
      heap_capacity_mb: mb(),
    }),
    browsers: t.Array(BrowserMemoryBody),
    total_mb: mb('Service + every browser, private memory'),
    limit_mb: mb('MEMORY_THRESHOLD_MB'),
    percent: t.Number({ description: 'The governor acts at 70, 80, 90 and 120' }),
    cgroup: t.Union(
      [
        t.Object({
          current_mb: mb(),
          max_mb: nullableMb('null: no limit'),
          version: t.Union([t.Literal(1), t.Literal(2), t.Null()]),
          path: t.Union([t.String(), t.Null()]),
        }),
        t.Null(),
      ],
      { description: 'The memory cgroup (container), when there is one' },
    ),
    notes: t.Array(t.String(), { description: 'What could not be read' }),
    governor: t.Object({
      enabled: t.Boolean({ description: 'MEMORY_GOVERNOR' }),
      last_action: t.Union([MemoryActionBody, t.Null()]),
      recent_actions: t.Array(MemoryActionBody, { description: 'Newest first, at most 20 (periodic collections included)' }),
    }),
  },
  { $id: '#/components/schemas/MemoryReport' },
);
export type MemoryReport = typeof MemoryReport.static;

export const PrometheusText = t.String({ description: 'Prometheus text exposition format 0.0.4' });
