import { t } from 'elysia';

/** Memory block shared by /health and /api/server/memory. */
export const MemoryBlock = t.Object({
  service_mb: t.Number({ description: 'The service process (private memory when readable, else RSS)' }),
  heap_mb: t.Number({ description: 'Bun JS heap in use' }),
  browsers_mb: t.Number({ description: "Private memory of every session's Chromium tree" }),
  total_mb: t.Number(),
  limit_mb: t.Number({ description: 'MEMORY_THRESHOLD_MB' }),
  percent: t.Number(),
  sampled_at: t.String({ format: 'date-time' }),
  last_action: t.Optional(t.Union([t.Null(), t.Object({ step: t.String(), at: t.String(), before_mb: t.Number(), after_mb: t.Number() })])),
});

export const Health = t.Object({
  status: t.Union([t.Literal('healthy'), t.Literal('degraded')]),
  mode: t.Literal('production-optimized'),
  whatsapp_ready: t.Boolean({ description: 'true when at least one session is WORKING' }),
  memory_mb: t.Number({ description: 'Total of the last sample: service + browsers' }),
  timestamp: t.String({ format: 'date-time' }),
  memory: MemoryBlock,
});

export const Pong = t.Object({ message: t.Literal('pong') });

export const ServerVersion = t.Object({
  version: t.String(),
  engine: t.Literal('WEBJS'),
  tier: t.Literal('CORE'),
  browser: t.String({
    description: 'The Chromium executable the sessions run (e.g. /usr/lib/chromium/chromium-headless-shell), or unknown',
  }),
  platform: t.String(),
  worker: t.Object({ id: t.String() }),
});

export const ServerStatus = t.Object({
  startTimestamp: t.Number({ description: 'ms since epoch' }),
  uptime: t.Number({ description: 'ms' }),
  worker: t.Object({ id: t.String() }),
});

export const Info = t.Object({
  name: t.Literal('wabun'),
  version: t.String(),
  engine: t.Literal('WEBJS'),
  mode: t.Literal('production-optimized'),
  runtime: t.String(),
  sessions: t.Object({ total: t.Number(), working: t.Number() }),
  memory_mb: t.Number(),
  uptime_ms: t.Number(),
  docs: t.String(),
});
