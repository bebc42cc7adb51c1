/**
 * The app built from its real parts for `app.handle()` tests: the one place to change when
 * `createApp`'s dependencies grow. Log lines are captured instead of printed.
 */
import { type AppParts, createApp } from '../../src/app';
import { MAX_JSON_DEPTH } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { createKeyCheck } from '../../src/http/api-key';
import { cors } from '../../src/http/cors';
import { createEdge } from '../../src/http/edge';
import { Logger } from '../../src/log';
import { MemorySampler } from '../../src/memory/sampler';
import { ServerService } from '../../src/modules/server/service';

export interface TestAppOptions {
  /** The configured key (plain or `sha512:<hex>`); null turns auth off (WAHA_NO_API_KEY=true). */
  key?: string | null;
  env?: Record<string, string>;
  /** Optional modules' dependencies (e.g. `sessions`): without them their routes are absent. */
  deps?: Partial<AppParts>;
}

/** A fresh app; call `close()` (or use `using`) to stop its memory sampler. */
export function buildTestApp({ key = 'test-key-123', env = {}, deps = {} }: TestAppOptions = {}) {
  const config = parseConfig({ WAHA_API_KEY: key ?? '', WAHA_NO_API_KEY: key === null ? 'true' : 'false', ...env });
  const lines: Record<string, unknown>[] = [];
  const log = new Logger({ level: 'debug', format: 'JSON', write: (l) => lines.push(JSON.parse(l)) });
  // The service's own sampler (no browsers here): sampled on demand, no timer to stop.
  const memory = new MemorySampler({ limitMb: config.MEMORY_THRESHOLD_MB, browsers: () => [] });
  const server = new ServerService({
    memory,
    startedAt: Date.now(),
    workerId: 'test',
    browser: () => 'test',
    sessionCounts: () => ({ total: 0, working: 0 }),
  });
  const app = createApp({ config, log, keyCheck: key === null ? null : createKeyCheck(key), server, ...deps });
  const corsHooks = cors(config.CORS_ALLOWED_ORIGINS);
  const edge = createEdge({
    app,
    log,
    limits: { maxBytes: config.BODY_LIMIT_MB * 1024 * 1024, maxDepth: MAX_JSON_DEPTH },
    preflight: corsHooks.preflight,
    headers: (request) => ({ ...corsHooks.headers(request), 'x-memory-usage-mb': String(Math.round(memory.latest().totalMb)) }),
  });
  return {
    app,
    edge,
    /** A request through the edge, as the server hands it over (no socket: nothing here upgrades). */
    fetch: async (request: Request) => (await edge.fetch(request, {} as never))!,
    config,
    lines,
    memory,
    close: () => {},
    [Symbol.dispose]: () => {},
  };
}

/** Every documented route of an app as `METHOD /openapi/{path}`: what /docs/json must list. */
export function documentedRoutes(routes: readonly { method: string; path: string; hooks?: unknown }[]): string[] {
  const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
  return routes
    .filter((r) => methods.has(r.method))
    .filter((r) => !(r.hooks as { detail?: { hide?: boolean } } | undefined)?.detail?.hide)
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    .sort();
}
