/** Schemas of the memory history route. Types come from these. */
import { t } from 'elysia';
import { MemoryActionBody } from '../metrics/model';

export const HistoryQuery = t.Object({
  since: t.Optional(
    t.Integer({ minimum: 0, description: 'Only what is newer than this time (ms since epoch): poll with the last `at` seen' }),
  ),
});

export const HistorySample = t.Object({
  at: t.Integer({ description: 'ms since epoch' }),
  total_mb: t.Number({ description: 'Service + every browser, private memory: what the governor compares with the limit' }),
  service_mb: t.Number({ description: 'The service process (private memory when readable, else RSS)' }),
  heap_mb: t.Number({ description: 'Bun JS heap in use' }),
  percent: t.Number(),
  browsers: t.Array(t.Object({ session: t.String(), private_mb: t.Number(), pss_mb: t.Number() })),
});
export type HistorySample = typeof HistorySample.static;

export const MemoryHistoryReport = t.Object(
  {
    limit_mb: t.Number({ description: 'MEMORY_THRESHOLD_MB' }),
    thresholds: t.Array(t.Object({ percent: t.Number(), step: t.String(), mb: t.Number() }), {
      description: 'Where the governor acts: cleanup 70 %, warning 80 %, aggressive 90 %, recycle 120 %',
    }),
    interval_ms: t.Integer({ description: 'MEMORY_SAMPLE_INTERVAL_MS: the spacing of the samples' }),
    capacity: t.Integer({ description: 'Samples kept (the oldest go first)' }),
    samples: t.Array(HistorySample, { description: 'Oldest first' }),
    actions: t.Array(MemoryActionBody, { description: "The governor's actions, oldest first, with the total before and after" }),
  },
  { $id: '#/components/schemas/MemoryHistory' },
);
export type MemoryHistoryReport = typeof MemoryHistoryReport.static;
