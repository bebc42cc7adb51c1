import { t } from 'elysia';
import { CPU_PROFILE_MAX_S, TRACE_MAX_S } from './debug';

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

export const EnvironmentQuery = t.Object({
  all: t.Optional(t.Boolean({ default: false, description: 'Every variable, not only WAHA_*, WHATSAPP_* and DEBUG' })),
});
export const Environment = t.Record(t.String(), t.String(), {
  description: 'Variable → value, sorted by name; secrets (keys, passwords, tokens, HMAC keys, passwords in URLs) as ***',
});

export const StopRequest = t.Object(
  {
    force: t.Optional(
      t.Boolean({
        default: false,
        description: "false: sessions' browsers are closed gracefully before the process exits; true: they are killed at once",
      }),
    ),
  },
  { examples: [{ force: false }] },
);
export const StopResponse = t.Object({ stopping: t.Literal(true, { description: 'Always true: the server is stopping' }) });

export const CpuProfileQuery = t.Object({
  seconds: t.Optional(
    t.Integer({ minimum: 1, maximum: CPU_PROFILE_MAX_S, default: 30, description: 'How many seconds to sample the CPU' }),
  ),
});
export const BrowserTraceQuery = t.Object({
  seconds: t.Optional(t.Integer({ minimum: 1, maximum: TRACE_MAX_S, default: 30, description: 'How many seconds to trace' })),
  categories: t.Optional(
    t.Array(t.String({ pattern: '^-?[A-Za-z0-9_.,*:-]+$' }), {
      default: ['*'],
      description: 'Chromium trace categories (-name excludes one); * is every category enabled by default',
    }),
  ),
});
export const DebugFile = t.File({ description: 'The capture, as a file to open in Chrome DevTools' });
