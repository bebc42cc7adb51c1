import { Elysia } from 'elysia';
import type { KeyCheck } from './auth';
import type { Config } from './config';
import { HttpError, PayloadTooLargeError, reasonPhrase, UnauthorizedError } from './errors';
import type { Logger } from './log';
import type { MemorySource } from './memory/types';
import { chatRoutes } from './modules/chats';
import { contactRoutes } from './modules/contacts';
import { dashboardRoutes, isDashboardPath } from './modules/dashboard';
import type { DashboardService } from './modules/dashboard/service';
import { docsRoutes } from './modules/docs';
import { groupRoutes } from './modules/groups';
import { mediaRoutes } from './modules/media';
import type { MediaStore } from './modules/media/service';
import { memoryHistoryRoutes } from './modules/memory-history';
import type { MemoryHistory } from './modules/memory-history/service';
import { messageRoutes } from './modules/messages';
import type { MessagingService } from './modules/messages/service';
import { metricsRoutes } from './modules/metrics';
import type { WabunMetrics } from './modules/metrics/metrics';
import type { MetricsService } from './modules/metrics/service';
import { serverRoutes } from './modules/server';
import type { ServerService } from './modules/server/service';
import { sessionRoutes } from './modules/sessions';
import type { SessionManager } from './modules/sessions/service';
import { webhookRoutes } from './modules/webhooks';
import type { WebhookDeliveryService } from './modules/webhooks/service';
import { wsRoutes } from './modules/ws';
import type { EventHub } from './modules/ws/service';

/** Everything the HTTP layer needs; tests build it with real or stand-in parts. */
export interface AppDeps {
  config: Config;
  log: Logger;
  memory: MemorySource;
  /** null: authentication is off (WAHA_NO_API_KEY=true). */
  keyCheck: KeyCheck | null;
  server: ServerService;
  /** Sessions, auth (QR, pairing code) and screenshot routes; absent in tests of the HTTP layer alone. */
  sessions?: SessionManager;
  /** Sending routes (need `sessions`). */
  messaging?: MessagingService;
  /** Live events over WebSocket at /ws. */
  hub?: EventHub;
  /** /metrics and /api/server/memory. */
  metrics?: MetricsService;
  /** Counts HTTP requests by route and status for /metrics. */
  counters?: WabunMetrics;
  /** Incoming media files (WHATSAPP_DOWNLOAD_MEDIA) at /api/files. */
  media?: MediaStore;
  /** The dashboard's API (/api/dashboard/…); the page itself follows WAHA_DASHBOARD_ENABLED. */
  dashboard?: DashboardService;
  /** Webhook targets and dead letters at /api/webhooks/…. */
  deliveries?: WebhookDeliveryService;
  /** /api/server/memory/history. */
  memoryHistory?: MemoryHistory;
}

interface RequestState {
  id: string;
  started: number;
}

const MB = 1024 * 1024;

/** Paths that never need a key: the docs and dashboard pages and their assets hold no data. */
const isDocsPath = (path: string) => path === '/docs' || path.startsWith('/docs/') || isDashboardPath(path);

type ValidationItem = { path?: string; schema?: { error?: unknown }; errors?: Iterable<ValidationItem>[] };

/**
 * A union's own error ("Expected union value", e.g. every `nullable` field) hides why its
 * branches failed: the deepest branch error (with its schema's own `error` text) says more.
 */
function specific<T>(e: T): T {
  let best = e as ValidationItem;
  for (const branch of (e as ValidationItem | undefined)?.errors ?? []) {
    for (const inner of branch) {
      const d = specific(inner);
      if ((d.path?.length ?? 0) > (best.path?.length ?? 0)) best = d;
    }
  }
  return best as T;
}

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

/** Builds the whole HTTP API. The only place routes, auth and error mapping meet. */
export function createApp(deps: AppDeps) {
  const { config, log, memory, keyCheck } = deps;
  const bodyLimit = config.BODY_LIMIT_MB * MB;
  const openPaths = new Set(config.WHATSAPP_API_KEY_EXCLUDE_PATH.map((p) => `/${p.replace(/^\/+/, '')}`));
  const requests = new WeakMap<Request, RequestState>();

  const stateOf = (request: Request): RequestState => {
    let s = requests.get(request);
    if (!s) {
      const given = request.headers.get('x-request-id');
      s = { id: given && given.length <= 128 ? given : crypto.randomUUID(), started: performance.now() };
      requests.set(request, s);
    }
    return s;
  };

  // Bun's own limit answers a bare 413 with no body; it stays as a far backstop, and the limit
  // that clients see is enforced below with the JSON error shape.
  return new Elysia({ serve: { maxRequestBodySize: Math.max(bodyLimit * 4, 64 * MB) } })
    .onRequest(({ request, set }) => {
      const { id } = stateOf(request);
      set.headers['x-request-id'] = id;
      // The latest periodic sample: no syscall on the request path.
      set.headers['x-memory-usage-mb'] = String(Math.round(memory.latest().totalMb));

      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > bodyLimit)
        throw new PayloadTooLargeError(
          `Request body is ${(length / MB).toFixed(1)} MB; the limit is ${config.BODY_LIMIT_MB} MB (BODY_LIMIT_MB).`,
        );

      if (!keyCheck) return;
      const path = new URL(request.url).pathname;
      if (openPaths.has(path) || isDocsPath(path)) return;
      const presented = request.headers.get('x-api-key') ?? new URL(request.url).searchParams.get('x-api-key');
      if (!keyCheck.verify(presented)) throw new UnauthorizedError();
    })
    .onParse(async ({ request, contentType }) => {
      // A body without Content-Length (chunked) is counted as it arrives.
      if (request.headers.has('content-length') || !request.body) return;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > bodyLimit)
          throw new PayloadTooLargeError(`Request body is over the limit of ${config.BODY_LIMIT_MB} MB (BODY_LIMIT_MB).`);
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (contentType.startsWith('application/json')) return text === '' ? undefined : JSON.parse(text);
      return text;
    })
    .onError(({ code, error, request, set }) => {
      const { id } = stateOf(request);
      let status = 500;
      let message = `Unexpected error. Quote request id ${id} when reporting it.`;
      let details: Record<string, unknown> | undefined;

      if (error instanceof HttpError) {
        status = error.status;
        message = error.message;
        details = error.details;
      } else if (code === 'PARSE' && error.cause instanceof HttpError) {
        // Thrown from onParse (a chunked body over the limit) and wrapped by Elysia.
        status = error.cause.status;
        message = error.cause.message;
      } else if (code === 'PARSE') {
        status = 400;
        message = 'The request body is not valid JSON (or does not match its Content-Type).';
      } else if (code === 'VALIDATION' && error.type === 'response') {
        // Our answer did not match its own schema: our bug, not the client's.
        log.error('response does not match its schema', { requestId: id, path: new URL(request.url).pathname, error: error.message });
      } else if (code === 'VALIDATION') {
        status = 400;
        const first = specific(error.all[0]);
        const field = first && 'path' in first ? first.path.replace(/^\//, '').replaceAll('/', '.') : '';
        const where = error.type;
        // A schema's own `error` text (e.g. how a session name must look) says more than TypeBox's.
        const custom = first && 'schema' in first && typeof first.schema.error === 'string' ? first.schema.error : undefined;
        message = `Invalid ${where}${field ? ` field '${field}'` : ''}: ${custom ?? first?.summary ?? first?.message ?? 'does not match the schema'}`;
        details = {
          in: where,
          field: field || null,
          errors: error.all.map((e) => ({ path: 'path' in e ? e.path : '', message: e.summary ?? e.message })),
        };
      } else if (code === 'NOT_FOUND') {
        status = 404;
        message = `No route ${request.method} ${new URL(request.url).pathname}. The API is listed at /docs.`;
      } else if (error instanceof Error && /body.*(too large|exceed)/i.test(error.message)) {
        status = 413;
        message = `Request body is over the limit of ${config.BODY_LIMIT_MB} MB (BODY_LIMIT_MB).`;
      } else {
        log.error('unhandled error', {
          requestId: id,
          code,
          error: error instanceof Error ? error.message : String(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
      }
      set.status = status;
      set.headers['content-type'] = 'application/json';
      const body: Record<string, unknown> = { statusCode: status, error: reasonPhrase(status), message };
      if (details) body.details = details;
      if (status >= 500) body.requestId = id;
      return body;
    })
    .onAfterResponse(({ request, set, route, params, query, body }) => {
      const s = stateOf(request);
      const path = new URL(request.url).pathname;
      const status = typeof set.status === 'number' ? set.status : 200;
      deps.counters?.httpRequest(request.method, route, status);
      const fields = {
        requestId: s.id,
        session: sessionOf(route, params, query, body),
        method: request.method,
        path,
        status,
        ms: Math.round(performance.now() - s.started),
      };
      if (openPaths.has(path) || isDocsPath(path)) log.debug('request', fields);
      else log.info('request', fields);
    })
    .use(docsRoutes())
    .use(serverRoutes(deps.server))
    .use(deps.sessions ? sessionRoutes(deps.sessions) : new Elysia())
    .use(deps.messaging ? messageRoutes(deps.messaging) : new Elysia())
    .use(deps.sessions ? chatRoutes(deps.sessions) : new Elysia())
    .use(deps.sessions ? contactRoutes(deps.sessions) : new Elysia())
    .use(deps.sessions ? groupRoutes(deps.sessions) : new Elysia())
    .use(deps.hub ? wsRoutes(deps.hub) : new Elysia())
    .use(deps.media ? mediaRoutes(deps.media) : new Elysia())
    .use(deps.metrics ? metricsRoutes(deps.metrics) : new Elysia())
    .use(deps.memoryHistory ? memoryHistoryRoutes(deps.memoryHistory) : new Elysia())
    .use(deps.deliveries ? webhookRoutes(deps.deliveries) : new Elysia())
    .use(config.WAHA_DASHBOARD_ENABLED ? dashboardRoutes({ config, service: deps.dashboard }) : new Elysia());
}

export type App = ReturnType<typeof createApp>;
