import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { HistoryQuery, MemoryHistoryReport } from './model';
import type { MemoryHistory } from './service';

/** GET /api/server/memory/history: memory over time with the governor's actions on the same axis. */
export const memoryHistoryRoutes = (history: MemoryHistory) =>
  new Elysia({ tags: ['Observability'] }).get('/api/server/memory/history', ({ query }) => history.report(query.since), {
    query: HistoryQuery,
    detail: {
      operationId: 'ServerController_memoryHistory',
      summary: "Memory over time (service, each browser, total vs. the governor's thresholds) and the governor's actions",
    },
    response: { 200: MemoryHistoryReport, ...errorResponses(400, 401) },
  });
