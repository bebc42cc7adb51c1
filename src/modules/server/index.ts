import { Elysia } from 'elysia';
import { errorResponses } from '../../model';
import { Health, Info, Pong, ServerStatus, ServerVersion } from './model';
import type { ServerService } from './service';

/** Liveness, version and status routes. */
export const serverRoutes = (server: ServerService) =>
  new Elysia({ tags: ['Observability'] })
    .get('/health', () => server.health(), {
      detail: { summary: 'Service health with memory (open without a key by default)' },
      response: { 200: Health },
    })
    .get('/ping', () => ({ message: 'pong' as const }), {
      detail: { summary: 'Ping (open without a key by default)' },
      response: { 200: Pong },
    })
    .get('/api/server/version', () => server.version(), {
      detail: { summary: 'Version, engine and browser' },
      response: { 200: ServerVersion, ...errorResponses(401) },
    })
    .get('/api/server/status', () => server.status(), {
      detail: { summary: 'Start time and uptime (ms)' },
      response: { 200: ServerStatus, ...errorResponses(401) },
    })
    .get('/api/info', () => server.info(), {
      detail: { summary: 'Service information', operationId: 'ServerController_info' },
      response: { 200: Info, ...errorResponses(401) },
    });
