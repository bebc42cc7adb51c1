/**
 * The metrics registry, its text exposition checked by a strict parser (which must itself reject
 * broken input), and the /metrics and /api/server/memory routes through `app.handle()`.
 */
import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import type { MemoryAction, MemorySample } from '../src/memory/types';
import { metricsRoutes } from '../src/modules/metrics';
import { createMetrics } from '../src/modules/metrics/metrics';
import { MetricsRegistry } from '../src/modules/metrics/registry';
import { MetricsService } from '../src/modules/metrics/service';
import { parsePrometheus } from './support/prometheus';

const sample: MemorySample = {
  at: Date.UTC(2025, 0, 1),
  service: { rssMb: 70, privateMb: 40, pssMb: 55, heapMb: 12.5, heapCapacityMb: 20 },
  browsers: [
    { session: 'default', pid: 101, processes: 11, privateMb: 150, pssMb: 380 },
    { session: 'sales "eu"\\\n2', pid: 202, processes: 10, privateMb: 120, pssMb: 300, estimated: 2 },
  ],
  totalMb: 310,
  limitMb: 300,
  percent: 103.3,
  cgroup: { currentMb: 500, maxMb: 1024, version: 2, path: '/wabun' },
  notes: ['example note'],
};

const action: MemoryAction = { step: 'recycle', at: '2025-01-01T00:00:00.000Z', before_mb: 370, after_mb: 250, session: 'default' };
const gc: MemoryAction = { step: 'gc', at: '2025-01-01T00:00:05.000Z', before_mb: 250, after_mb: 249 };

function build() {
  const metrics = createMetrics();
  const service = new MetricsService({
    metrics,
    memory: { latest: () => sample },
    governor: { enabled: true, recent: () => [gc, action] },
    budgetOf: (s) => (s === 'default' ? 200 : null),
  });
  return { metrics, app: new Elysia().use(metricsRoutes(service)) };
}

describe('MetricsRegistry', () => {
  test('renders HELP, TYPE and escaped label values that parse back to the same values', () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'Help with a \\ backslash\nand a newline.', ['path']);
    c.inc({ path: 'a"b\\c\nd' });
    c.inc({ path: 'a"b\\c\nd' }, 2);
    r.gauge('y', 'A gauge.').set({}, NaN);
    const text = r.render();
    expect(text).toContain('# HELP x_total Help with a \\\\ backslash\\nand a newline.\n# TYPE x_total counter\n');
    expect(text).toContain('x_total{path="a\\"b\\\\c\\nd"} 3\n');
    const parsed = parsePrometheus(text);
    expect(parsed.get('x_total')).toEqual({
      name: 'x_total',
      type: 'counter',
      help: 'Help with a \\ backslash\nand a newline.',
      samples: [{ name: 'x_total', labels: { path: 'a"b\\c\nd' }, value: 3 }],
    });
    expect(Number.isNaN(parsed.get('y')!.samples[0]!.value)).toBe(true);
  });

  test('refuses bad names, missing labels, decreasing counters and duplicates', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter('1bad', 'x')).toThrow('Invalid metric name');
    expect(() => r.counter('ok_total', 'x', ['__reserved'])).toThrow('Invalid label name');
    const c = r.counter('ok_total', 'x', ['a']);
    expect(() => c.inc({} as { a: string })).toThrow("needs the label 'a'");
    expect(() => c.inc({ a: '1' }, -1)).toThrow('only increase');
    expect(() => r.gauge('ok_total', 'again')).toThrow('registered twice');
  });
});

describe('the strict text-format parser', () => {
  const good = '# HELP a_total A.\n# TYPE a_total counter\na_total{x="1"} 3\n';
  test('accepts a valid exposition', () => {
    expect(parsePrometheus(good).get('a_total')!.samples).toEqual([{ name: 'a_total', labels: { x: '1' }, value: 3 }]);
  });

  test.each([
    ['an unterminated label value', 'a_total{x="1} 3\n'],
    ['a value that is not a number', 'a{x="1"} notanumber\n'],
    ['a name starting with a digit', '1abc 3\n'],
    ['an unknown escape', 'a{x="\\q"} 1\n'],
    ['an unquoted label value', 'a{x=1} 1\n'],
    ['a second TYPE line', '# TYPE a counter\n# TYPE a gauge\na 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['an unknown type', '# TYPE a wrong\na 1\n'],
    ['a duplicate series', 'a 1\na 2\n'],
    ['a duplicate label', 'a{x="1",x="2"} 1\n'],
    ['a family split in two groups', 'a 1\nb 1\na{x="2"} 1\n'],
    ['extra fields', 'a b c d\n'],
    ['a missing final newline', 'a 1'],
    ['a timestamp that is not an integer', 'a 1 1.5\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parsePrometheus(text)).toThrow();
  });
});

describe('GET /metrics', () => {
  test('is valid Prometheus text with the memory gauges, governor and other counters', async () => {
    const { metrics, app } = build();
    metrics.httpRequest('GET', '/api/sessions/:session', 200);
    metrics.httpRequest('GET', '', 404);
    metrics.reconnect('default');
    metrics.webhookDelivered('default');
    metrics.webhookFailed('default');
    metrics.webhookDeadLettered('default');
    metrics.governorAction(action);
    metrics.governorAction({ ...action, step: 'budget', session: 'default' });
    metrics.browser('/usr/lib/chromium/chromium-headless-shell');
    const res = await app.handle(new Request('http://localhost/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const f = parsePrometheus(await res.text());
    const values = (name: string) => f.get(name)!.samples.map((s) => [s.labels, s.value]);
    expect(values('wabun_memory_browser_private_bytes')).toEqual([
      [{ session: 'default' }, 150 * 2 ** 20],
      [{ session: 'sales "eu"\\\n2' }, 120 * 2 ** 20],
    ]);
    expect(values('wabun_memory_total_bytes')).toEqual([[{}, 310 * 2 ** 20]]);
    expect(values('wabun_browser_info')).toEqual([[{ browser: '/usr/lib/chromium/chromium-headless-shell' }, 1]]);
    expect(values('wabun_memory_limit_bytes')).toEqual([[{}, 300 * 2 ** 20]]);
    expect(values('wabun_memory_heap_bytes')).toEqual([[{}, 12.5 * 2 ** 20]]);
    expect(values('wabun_memory_service_bytes')).toEqual([
      [{ kind: 'rss' }, 70 * 2 ** 20],
      [{ kind: 'private' }, 40 * 2 ** 20],
      [{ kind: 'pss' }, 55 * 2 ** 20],
    ]);
    expect(values('wabun_memory_usage_ratio')).toEqual([[{}, 1.033]]);
    expect(values('wabun_memory_cgroup_bytes')).toEqual([
      [{ kind: 'current' }, 500 * 2 ** 20],
      [{ kind: 'max' }, 1024 * 2 ** 20],
    ]);
    expect(values('wabun_http_requests_total')).toEqual([
      [{ method: 'GET', route: '/api/sessions/:session', status: '200' }, 1],
      [{ method: 'GET', route: 'unmatched', status: '404' }, 1],
    ]);
    expect(values('wabun_memory_governor_actions_total')).toEqual([
      [{ step: 'recycle' }, 1],
      [{ step: 'budget' }, 1],
    ]);
    expect(values('wabun_memory_recycles_total')).toEqual([
      [{ session: 'default', reason: 'threshold' }, 1],
      [{ session: 'default', reason: 'budget' }, 1],
    ]);
    for (const name of [
      'wabun_session_reconnects_total',
      'wabun_webhook_deliveries_total',
      'wabun_webhook_failures_total',
      'wabun_webhook_dead_letters_total',
    ])
      expect(values(name)).toEqual([[{ session: 'default' }, 1]]);
    for (const fam of f.values()) expect(fam.help).not.toBeNull();
  });

  test('a session that went away leaves the per-session gauges', () => {
    const { metrics } = build();
    metrics.memory(sample);
    metrics.memory({ ...sample, browsers: [], cgroup: null });
    const f = parsePrometheus(metrics.registry.render());
    expect(f.get('wabun_memory_browser_private_bytes')!.samples).toEqual([]);
    expect(f.get('wabun_memory_cgroup_bytes')!.samples).toEqual([]);
  });
});

test('GET /api/server/memory: the per-session breakdown and the governor', async () => {
  const { app } = build();
  const res = await app.handle(new Request('http://localhost/api/server/memory'));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    sampled_at: '2025-01-01T00:00:00.000Z',
    service: { rss_mb: 70, private_mb: 40, pss_mb: 55, heap_mb: 12.5, heap_capacity_mb: 20 },
    browsers: [
      { session: 'default', pid: 101, processes: 11, private_mb: 150, pss_mb: 380, estimated_processes: 0, limit_mb: 200 },
      { session: 'sales "eu"\\\n2', pid: 202, processes: 10, private_mb: 120, pss_mb: 300, estimated_processes: 2, limit_mb: null },
    ],
    total_mb: 310,
    limit_mb: 300,
    percent: 103.3,
    cgroup: { current_mb: 500, max_mb: 1024, version: 2, path: '/wabun' },
    notes: ['example note'],
    governor: { enabled: true, last_action: action, recent_actions: [gc, action] },
  });
});
