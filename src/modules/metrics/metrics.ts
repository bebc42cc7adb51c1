/**
 * Every metric wabun exports, in one place. Other modules are handed `WabunMetrics` and call
 * the method for their event; memory gauges are set from the latest sample when /metrics is read.
 */
import type { MemoryAction, MemorySample } from '../../memory/types';
import { MetricsRegistry } from './registry';

const MB = 1024 * 1024;
const bytes = (mb: number) => Math.round(mb * MB);

export function createMetrics(registry = new MetricsRegistry()) {
  const c = {
    http: registry.counter('wabun_http_requests_total', 'HTTP requests answered, by method, route pattern and status.', [
      'method',
      'route',
      'status',
    ]),
    reconnects: registry.counter(
      'wabun_session_reconnects_total',
      'Reconnect attempts after a browser crash or a disconnect, by session.',
      ['session'],
    ),
    deliveries: registry.counter('wabun_webhook_deliveries_total', 'Webhook deliveries answered 2xx, by session.', ['session']),
    failures: registry.counter(
      'wabun_webhook_failures_total',
      'Webhook delivery attempts that failed (non-2xx, time-out, network), by session.',
      ['session'],
    ),
    deadLetters: registry.counter(
      'wabun_webhook_dead_letters_total',
      'Webhook deliveries that ran out of retries and went to the dead-letter table, by session.',
      ['session'],
    ),
    actions: registry.counter(
      'wabun_memory_governor_actions_total',
      'Memory governor actions, by step (cleanup, warning, aggressive, recycle, exit, budget, heap, gc).',
      ['step'],
    ),
    recycles: registry.counter(
      'wabun_memory_recycles_total',
      'Browsers restarted by the memory governor, by session and reason (threshold: 120 % step; budget: memoryLimitMb).',
      ['session', 'reason'],
    ),
  };
  const g = {
    service: registry.gauge('wabun_memory_service_bytes', 'The service process: private (anon+shmem, proportional), pss, rss.', ['kind']),
    heap: registry.gauge('wabun_memory_heap_bytes', 'Bun JS heap in use (heapStats().heapSize).'),
    browserPrivate: registry.gauge(
      'wabun_memory_browser_private_bytes',
      "A session's Chromium tree: private memory (anon+shmem, proportional).",
      ['session'],
    ),
    browserPss: registry.gauge('wabun_memory_browser_pss_bytes', "A session's Chromium tree: proportional set size.", ['session']),
    browserProcesses: registry.gauge(
      'wabun_memory_browser_processes',
      "Processes in a session's Chromium tree, crashpad handlers included.",
      ['session'],
    ),
    total: registry.gauge(
      'wabun_memory_total_bytes',
      'Service + every browser, private memory: what the governor compares with the limit.',
    ),
    limit: registry.gauge('wabun_memory_limit_bytes', 'MEMORY_THRESHOLD_MB.'),
    ratio: registry.gauge('wabun_memory_usage_ratio', 'total / limit (the governor acts at 0.7, 0.8, 0.9, 1.2).'),
    cgroup: registry.gauge('wabun_memory_cgroup_bytes', 'The memory cgroup: current usage and max (absent without a limit).', ['kind']),
    sampledAt: registry.gauge('wabun_memory_sample_timestamp_seconds', 'When the memory sample was taken.'),
    browser: registry.gauge('wabun_browser_info', 'The Chromium executable every session runs (always 1).', ['browser']),
  };

  return {
    registry,
    /** app.ts onAfterResponse: `route` is the matched pattern (e.g. /api/sessions/:session), never the raw path. */
    httpRequest(method: string, route: string | null | undefined, status: number): void {
      c.http.inc({ method, route: route || 'unmatched', status });
    },
    /** SessionManager: each reconnect attempt. */
    reconnect(session: string): void {
      c.reconnects.inc({ session });
    },
    /** Webhook dispatcher: a delivery answered 2xx. */
    webhookDelivered(session: string): void {
      c.deliveries.inc({ session });
    },
    /** Webhook dispatcher: an attempt failed (it may be retried). */
    webhookFailed(session: string): void {
      c.failures.inc({ session });
    },
    /** Webhook dispatcher: retries exhausted, moved to the dead-letter table. */
    webhookDeadLettered(session: string): void {
      c.deadLetters.inc({ session });
    },
    /** MemoryGovernor's onAction. */
    governorAction(a: MemoryAction): void {
      c.actions.inc({ step: a.step });
      if ((a.step === 'recycle' || a.step === 'budget') && a.session)
        c.recycles.inc({ session: a.session, reason: a.step === 'budget' ? 'budget' : 'threshold' });
    },
    /** compose: the browser found at start-up. */
    browser(path: string): void {
      g.browser.clear();
      g.browser.set({ browser: path }, 1);
    },
    /** Sets the memory gauges from a sample (called when /metrics is read). */
    memory(s: MemorySample): void {
      g.service.clear();
      g.service.set({ kind: 'rss' }, bytes(s.service.rssMb));
      if (s.service.privateMb !== null) g.service.set({ kind: 'private' }, bytes(s.service.privateMb));
      if (s.service.pssMb != null) g.service.set({ kind: 'pss' }, bytes(s.service.pssMb));
      g.heap.set({}, bytes(s.service.heapMb));
      for (const gauge of [g.browserPrivate, g.browserPss, g.browserProcesses]) gauge.clear();
      for (const b of s.browsers) {
        g.browserPrivate.set({ session: b.session }, bytes(b.privateMb));
        g.browserPss.set({ session: b.session }, bytes(b.pssMb));
        g.browserProcesses.set({ session: b.session }, b.processes);
      }
      g.total.set({}, bytes(s.totalMb));
      g.limit.set({}, bytes(s.limitMb));
      g.ratio.set({}, Math.round(s.percent * 10) / 1000);
      g.cgroup.clear();
      if (s.cgroup) {
        g.cgroup.set({ kind: 'current' }, bytes(s.cgroup.currentMb));
        if (s.cgroup.maxMb !== null) g.cgroup.set({ kind: 'max' }, bytes(s.cgroup.maxMb));
      }
      g.sampledAt.set({}, s.at / 1000);
    },
  };
}

/** What other modules are handed to count their events. */
export type WabunMetrics = ReturnType<typeof createMetrics>;
