/**
 * One JSON log line per request, after the answer: request id, the session it was about, method,
 * path, status, duration. Open routes (health checks, the docs page) log at debug level only, so a
 * health checker does not fill the log.
 */
import { Elysia } from 'elysia';
import type { Logger } from '../log';
import { pathOf, requestTarget } from './host';
import { requestState } from './request-id';

/** The session a request is about (path, query or body: WAHA puts it in all three), for the log. */
function sessionOf(route: string, ...sources: unknown[]): string | undefined {
  for (const src of sources) {
    if (!src || typeof src !== 'object') continue;
    const o = src as Record<string, unknown>;
    // POST /api/sessions names the new session `name`; elsewhere `name` is something else (a group's).
    const v = o.session ?? (route === '/api/sessions' ? o.name : undefined);
    if (typeof v === 'string' && v.length <= 54) return v;
  }
  return undefined;
}

export const accessLog = (log: Logger, quiet: ReadonlySet<string>, onRequest?: (method: string, route: string, status: number) => void) =>
  new Elysia({ name: 'wabun/access-log' }).onAfterResponse({ as: 'global' }, ({ request, set, route, params, query, body }) => {
    const s = requestState(request);
    const status = typeof set.status === 'number' ? set.status : 200;
    onRequest?.(request.method, route, status);
    const fields = {
      requestId: s.id,
      session: sessionOf(route, params, query, body),
      method: request.method,
      path: pathOf(requestTarget(request.url)),
      status,
      ms: Math.round(performance.now() - s.started),
    };
    if (quiet.has(route)) log.debug('request', fields);
    else log.info('request', fields);
  });
