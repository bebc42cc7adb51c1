import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { SessionParams } from '../sessions/model';
import type { DebugFile as DebugCapture, DebugService } from './debug';
import {
  BrowserTraceQuery,
  CpuProfileQuery,
  DebugFile,
  Environment,
  EnvironmentQuery,
  Health,
  Info,
  Pong,
  ServerStatus,
  ServerVersion,
  StopRequest,
  StopResponse,
} from './model';
import type { ServerService } from './service';

const tags = ['Observability'];

/** Liveness, version, status, environment and stop: WAHA's observability routes. */
export const serverRoutes = (server: ServerService) =>
  new Elysia({ tags })
    .get('/health', () => server.health(), {
      detail: {
        summary: 'Service health with memory (open without a key by default)',
        operationId: 'HealthController_check',
        tags,
        security: [],
      },
      response: { 200: Health },
    })
    .get('/ping', () => ({ message: 'pong' as const }), {
      detail: { summary: 'Ping (open without a key by default)', operationId: 'PingController_ping', tags, security: [] },
      response: { 200: Pong },
    })
    .get('/api/server/version', () => server.version(), {
      detail: { summary: 'Version, engine and browser', operationId: 'ServerController_get', tags },
      response: { 200: ServerVersion, ...errorResponses(401) },
    })
    .get('/api/version', () => server.version(), {
      detail: {
        summary: 'Version, engine and browser (deprecated: use GET /api/server/version)',
        description: "The same answer as GET /api/server/version; WAHA's dashboard still calls it to tell whether a server is connected.",
        operationId: 'VersionController_get',
        deprecated: true,
        tags,
      },
      response: { 200: ServerVersion, ...errorResponses(401) },
    })
    .get('/api/server/status', () => server.status(), {
      detail: { summary: 'Start time and uptime (ms)', operationId: 'ServerController_status', tags },
      response: { 200: ServerStatus, ...errorResponses(401) },
    })
    .get('/api/server/environment', ({ query }) => server.environment(query.all ?? false), {
      query: EnvironmentQuery,
      detail: {
        summary: 'The environment variables: WAHA_*, WHATSAPP_* and DEBUG, or all with ?all=true; secrets masked',
        operationId: 'ServerController_environment',
        tags,
      },
      response: { 200: Environment, ...errorResponses(400, 401) },
    })
    .post(
      '/api/server/stop',
      ({ body, set }) => {
        set.status = 201;
        return server.stop(body?.force ?? false);
      },
      {
        body: StopRequest,
        detail: {
          summary: 'Stop (and restart) the server',
          description:
            'Answers at once; a second later the sessions are stopped (their browsers closed, or killed with force: true) and the process exits 0, so a supervisor (Docker restart policy, systemd) starts it again and running sessions come back WORKING without a QR.',
          operationId: 'ServerController_stop',
          tags,
        },
        response: { 201: StopResponse, ...errorResponses(400, 401) },
      },
    )
    .get('/api/info', () => server.info(), {
      detail: { summary: 'Service information', operationId: 'ServerController_info', tags },
      response: { 200: Info, ...errorResponses(401) },
    });

/** A capture as a download. */
const file = (f: DebugCapture) =>
  new Response(f.body as BodyInit, { headers: { 'content-type': f.type, 'content-disposition': `attachment; filename=${f.filename}` } });

/** WAHA's debug routes (WAHA_DEBUG_MODE; off: 404). */
export const debugRoutes = (debug: DebugService) =>
  new Elysia({ tags })
    .get('/api/server/debug/heapsnapshot', () => file(debug.heapSnapshot()), {
      detail: {
        summary: "A heap snapshot of the service's JavaScript heap (V8 format, opens in Chrome DevTools)",
        description:
          'Needs WAHA_DEBUG_MODE=true (404 otherwise). The service stops answering while the snapshot is built; refused (422) above 64 MB of heap.',
        operationId: 'ServerDebugController_heapsnapshot',
        tags,
      },
      response: { 200: DebugFile, ...errorResponses(401, 404, 422) },
    })
    .get('/api/server/debug/cpu', async ({ query }) => file(await debug.cpuProfile(query.seconds ?? 30)), {
      query: CpuProfileQuery,
      detail: {
        summary: 'A CPU profile of the service (.cpuprofile) over the given seconds',
        description: 'Needs WAHA_DEBUG_MODE=true (404 otherwise); one at a time (409).',
        operationId: 'ServerDebugController_cpuProfile',
        tags,
      },
      response: { 200: DebugFile, ...errorResponses(400, 401, 404, 409) },
    })
    .get(
      '/api/server/debug/browser/trace/:session',
      async ({ params, query }) => file(await debug.browserTrace(params.session, query.seconds ?? 30, query.categories ?? ['*'])),
      {
        params: SessionParams,
        query: BrowserTraceQuery,
        detail: {
          summary: "A trace.json of the session's browser page for Chrome DevTools (Performance panel)",
          description:
            'Needs WAHA_DEBUG_MODE=true (404 otherwise) and a WORKING session (422); one per session at a time (409); at most 64 MB (413).',
          operationId: 'ServerDebugController_browserTrace',
          tags,
        },
        response: { 200: DebugFile, ...errorResponses(400, 401, 404, 409, 413, 422, 502) },
      },
    );
