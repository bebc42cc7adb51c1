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
import { callRoutes } from './modules/calls';
import { CallsService } from './modules/calls/service';
import { chatRoutes } from './modules/chats';
import { ChatsService } from './modules/chats/service';
import { contactRoutes } from './modules/contacts';
import { ContactsService } from './modules/contacts/service';
import { DOCS_ROUTES, docsRoutes } from './modules/docs';
import { groupRoutes } from './modules/groups';
import { GroupsService } from './modules/groups/service';
import { conversionRoutes, mediaRoutes } from './modules/media';
import { ConversionService } from './modules/media/conversion';
import { MediaConverter } from './modules/media/convert';
import type { MediaStore } from './modules/media/service';
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
import { serverRoutes } from './modules/server';
import type { ServerService } from './modules/server/service';
import { sessionRoutes } from './modules/sessions';
import type { SessionManager } from './modules/sessions/service';
import { statusRoutes } from './modules/status';
import { StatusService } from './modules/status/service';

/** Everything the HTTP layer needs; tests build it with real or stand-in parts. */
export interface AppParts {
  config: Config;
  log: Logger;
  /** null: authentication is off (WAHA_NO_API_KEY=true). */
  keyCheck: KeyCheck | null;
  server: ServerService;
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
  /** Bounds of media fetched from a URL (profile picture, status); default: MEDIA_MAX_MB and MEDIA_FETCH_TIMEOUT_MS. */
  mediaLimits?: MediaLimits;
  /** ffmpeg for media conversion; default: found on PATH at first use. */
  converter?: MediaConverter;
}

const MB = 1024 * 1024;
/** The longest one ffmpeg conversion may run. */
export const CONVERT_TIMEOUT_MS = 120_000;

/** The route patterns open without a key: WHATSAPP_API_KEY_EXCLUDE_PATH and the docs page with its assets. */
export function openRoutes(config: Pick<Config, 'WHATSAPP_API_KEY_EXCLUDE_PATH'>): Set<string> {
  return new Set([...config.WHATSAPP_API_KEY_EXCLUDE_PATH.map((p) => `/${p.replace(/^\/+/, '')}`), ...DOCS_ROUTES]);
}

const optional = <T>(part: T | undefined, plugin: (p: T) => AnyElysia): AnyElysia => (part ? plugin(part) : new Elysia());

/** Builds the whole HTTP API: the one place routes, auth and error mapping meet. */
export function createApp(parts: AppParts) {
  const { config, log, sessions } = parts;
  const open = openRoutes(config);
  const limits = parts.mediaLimits ?? { maxBytes: config.MEDIA_MAX_MB * MB, timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS };
  const converter = parts.converter ?? new MediaConverter({ maxBytes: limits.maxBytes, timeoutMs: CONVERT_TIMEOUT_MS });
  // normalize 'typebox': a value of the wrong type is refused, never coerced; unknown fields are dropped.
  return new Elysia({ normalize: 'typebox' })
    .use(requestId())
    .use(errorHandler(log))
    .use(apiKey(parts.keyCheck, open))
    .use(accessLog(log, open, parts.counters && ((m, r, s) => parts.counters!.httpRequest(m, r, s))))
    .use(docsRoutes())
    .use(serverRoutes(parts.server))
    .use(optional(sessions, sessionRoutes))
    .use(optional(parts.messaging, messageRoutes))
    .use(optional(sessions, (s) => chatRoutes(new ChatsService(s))))
    .use(optional(sessions, (s) => contactRoutes(new ContactsService(s))))
    .use(optional(sessions, (s) => groupRoutes(new GroupsService(s))))
    .use(optional(sessions, (s) => presenceRoutes(new PresenceService(s))))
    .use(optional(sessions, (s) => profileRoutes(new ProfileService(s, limits))))
    .use(optional(sessions, (s) => statusRoutes(new StatusService(s, limits, converter))))
    .use(optional(sessions, (s) => callRoutes(new CallsService(s))))
    .use(optional(sessions, (s) => conversionRoutes(new ConversionService(s, converter, limits))))
    .use(optional(parts.media, mediaRoutes))
    .use(optional(parts.metrics, metricsRoutes));
}

export type App = ReturnType<typeof createApp>;
