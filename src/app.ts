/**
 * The HTTP API as one Elysia app: the cross-cutting plugins of src/http, then the feature modules,
 * each a folder under src/modules. A module is left out when its part is not given (tests of the
 * HTTP layer alone).
 */
import { type AnyElysia, Elysia } from 'elysia';
import type { Config } from './config';
import { accessLog } from './http/access-log';
import { apiKey, type KeyCheck } from './http/api-key';
import { errorHandler } from './http/errors';
import { requestId } from './http/request-id';
import type { Logger } from './log';
import { apiKeyRoutes } from './modules/api-keys';
import type { ApiKeysService } from './modules/api-keys/service';
import { appRoutes } from './modules/apps';
import { AppsService } from './modules/apps/service';
import { callRoutes } from './modules/calls';
import { CallsService } from './modules/calls/service';
import { channelRoutes } from './modules/channels';
import { ChannelsService } from './modules/channels/service';
import { chatRoutes } from './modules/chats';
import { ChatsService } from './modules/chats/service';
import { contactRoutes } from './modules/contacts';
import { ContactsService } from './modules/contacts/service';
import { DASHBOARD_ROUTES, dashboardRoutes } from './modules/dashboard';
import type { DashboardService } from './modules/dashboard/service';
import { DOCS_ROUTES, docsRoutes } from './modules/docs';
import { groupRoutes } from './modules/groups';
import { GroupsService } from './modules/groups/service';
import { labelRoutes } from './modules/labels';
import { LabelsService } from './modules/labels/service';
import { mcpRoutes } from './modules/mcp';
import { conversionRoutes, mediaRoutes } from './modules/media';
import { ConversionService } from './modules/media/conversion';
import { MediaConverter } from './modules/media/convert';
import type { MediaStore } from './modules/media/service';
import { memoryHistoryRoutes } from './modules/memory-history';
import type { MemoryHistory } from './modules/memory-history/service';
import { messageRoutes } from './modules/messages';
import type { MediaLimits } from './modules/messages/media';
import type { MessagingService } from './modules/messages/service';
import { metricsRoutes } from './modules/metrics';
import type { WabunMetrics } from './modules/metrics/metrics';
import type { MetricsService } from './modules/metrics/service';
import { presenceRoutes } from './modules/presence';
import { PresenceService } from './modules/presence/service';
import { profileRoutes } from './modules/profile';
import { ProfileService } from './modules/profile/service';
import { debugRoutes, serverRoutes } from './modules/server';
import type { DebugService } from './modules/server/debug';
import type { ServerService } from './modules/server/service';
import { sessionRoutes } from './modules/sessions';
import type { SessionManager } from './modules/sessions/service';
import { statusRoutes } from './modules/status';
import { StatusService } from './modules/status/service';
import { webhookRoutes } from './modules/webhooks';
import type { WebhookDeliveryService } from './modules/webhooks/service';
import { outboundPolicy } from './net/policy';

/** Everything the HTTP layer needs; tests build it with real or stand-in parts. */
export interface AppParts {
  config: Config;
  log: Logger;
  /** null: authentication is off (WAHA_NO_API_KEY=true). */
  keyCheck: KeyCheck | null;
  /** The stored API keys beside the server key: /api/keys, and who a presented key is. */
  apiKeys?: ApiKeysService;
  server: ServerService;
  /** WAHA's debug routes (/api/server/debug/…), answering 404 unless WAHA_DEBUG_MODE. */
  debug?: DebugService;
  /** Sessions, auth (QR, pairing code), screenshot, chats, contacts and groups. */
  sessions?: SessionManager;
  /** Sending routes. */
  messaging?: MessagingService;
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
  /** Bounds of media fetched from a URL (profile picture, status); default: MEDIA_MAX_MB, MEDIA_FETCH_TIMEOUT_MS and MEDIA_FETCH_ALLOW. */
  mediaLimits?: MediaLimits;
  /** ffmpeg for media conversion; default: found on PATH at first use. */
  converter?: MediaConverter;
}

/** The longest one ffmpeg conversion may run. */
export const CONVERT_TIMEOUT_MS = 120_000;

/** The route patterns open without a key: WHATSAPP_API_KEY_EXCLUDE_PATH, the docs and dashboard pages with their assets. */
export function openRoutes(config: Pick<Config, 'WHATSAPP_API_KEY_EXCLUDE_PATH' | 'WAHA_DASHBOARD_ENABLED'>): Set<string> {
  return new Set([
    ...config.WHATSAPP_API_KEY_EXCLUDE_PATH.map((p) => `/${p.replace(/^\/+/, '')}`),
    ...DOCS_ROUTES,
    ...(config.WAHA_DASHBOARD_ENABLED ? DASHBOARD_ROUTES : []),
  ]);
}

/** Where media given as `file.url` (a group or profile picture, a status) may come from, and how much of it: the sending routes' limits. */
const mediaLimits = (config: Config) => ({
  maxBytes: config.MEDIA_MAX_MB * 1024 * 1024,
  timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS,
  policy: outboundPolicy({ blockNonPublic: true, allow: config.MEDIA_FETCH_ALLOW, allowVariable: 'MEDIA_FETCH_ALLOW' }),
});

const optional = <T>(part: T | undefined, plugin: (p: T) => AnyElysia): AnyElysia => (part ? plugin(part) : new Elysia());

/** Builds the whole HTTP API: the one place routes, auth and error mapping meet. */
export function createApp(parts: AppParts) {
  const { config, log, sessions } = parts;
  const open = openRoutes(config);
  // The document describes the whole app, which exists only once the chain below is built.
  const root: { app?: AnyElysia } = {};
  const limits = parts.mediaLimits ?? mediaLimits(config);
  const converter = parts.converter ?? new MediaConverter({ maxBytes: limits.maxBytes, timeoutMs: CONVERT_TIMEOUT_MS });
  // normalize 'typebox': a value of the wrong type is refused, never coerced; unknown fields are dropped.
  const app = new Elysia({ normalize: 'typebox' })
    .use(requestId())
    .use(errorHandler(log))
    .use(apiKey(parts.keyCheck, open, parts.apiKeys))
    .use(accessLog(log, open, parts.counters && ((m, r, s) => parts.counters!.httpRequest(m, r, s))))
    .use(docsRoutes({ app: () => root.app!, isOpen: (pattern) => open.has(pattern) }))
    .use(serverRoutes(parts.server))
    .use(optional(parts.debug, debugRoutes))
    .use(optional(sessions, sessionRoutes))
    .use(optional(parts.apiKeys, apiKeyRoutes))
    .use(appRoutes(new AppsService()))
    .use(optional(parts.messaging, messageRoutes))
    .use(optional(sessions, (s) => chatRoutes(new ChatsService(s))))
    .use(optional(sessions, (s) => contactRoutes(new ContactsService(s))))
    .use(optional(sessions, (s) => groupRoutes(new GroupsService(s, limits))))
    .use(optional(sessions, (s) => labelRoutes(new LabelsService(s))))
    .use(optional(sessions, (s) => channelRoutes(new ChannelsService(s))))
    .use(optional(sessions, (s) => presenceRoutes(new PresenceService(s, (name, p) => s.setPresence(name, p)))))
    .use(optional(sessions, (s) => profileRoutes(new ProfileService(s, limits))))
    .use(optional(sessions, (s) => statusRoutes(new StatusService(s, limits, converter))))
    .use(optional(sessions, (s) => callRoutes(new CallsService(s))))
    .use(optional(sessions, (s) => conversionRoutes(new ConversionService(s, converter, limits))))
    .use(optional(parts.media, mediaRoutes))
    .use(
      optional(sessions && parts.messaging ? { sessions, messaging: parts.messaging } : undefined, ({ sessions: s, messaging }) =>
        mcpRoutes({
          sessions: s,
          messaging,
          chats: new ChatsService(s),
          contacts: new ContactsService(s),
          groups: new GroupsService(s, limits),
        }),
      ),
    )
    .use(optional(parts.metrics, metricsRoutes))
    .use(optional(parts.memoryHistory, memoryHistoryRoutes))
    .use(optional(parts.deliveries, webhookRoutes))
    .use(config.WAHA_DASHBOARD_ENABLED ? dashboardRoutes({ config, service: parts.dashboard }) : new Elysia());
  root.app = app;
  return app;
}

export type App = ReturnType<typeof createApp>;
