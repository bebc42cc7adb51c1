import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { MemoryReport, PrometheusText } from './model';
import { PROMETHEUS_CONTENT_TYPE } from './registry';
import type { MetricsService } from './service';

/**
 * GET /api/server/memory and GET /metrics. Both need the API key like every other route;
 * add `metrics` to WHATSAPP_API_KEY_EXCLUDE_PATH to let a scraper in without one (or give
 * Prometheus the key as the `x-api-key` query parameter: `params: { x-api-key: [...] }`).
 */
export const metricsRoutes = (metrics: MetricsService) =>
  new Elysia({ tags: ['Observability'] })
    .get('/api/server/memory', () => metrics.memoryReport(), {
      detail: {
        operationId: 'ServerController_memory',
        summary: "Memory now: service, each session's browser (processes, private, PSS), cgroup, governor actions",
      },
      response: { 200: MemoryReport, ...errorResponses(401) },
    })
    .get(
      '/metrics',
      ({ set }) => {
        set.headers['content-type'] = PROMETHEUS_CONTENT_TYPE;
        return metrics.prometheus();
      },
      {
        detail: {
          operationId: 'MetricsController_metrics',
          summary: 'Prometheus metrics: memory gauges, governor actions, reconnects, webhooks, HTTP requests',
        },
        response: { 200: PrometheusText, ...errorResponses(401) },
      },
    );
