import { join } from 'node:path';
import type { Config } from '../../config';
import type { EngineOptions, MediaSaver } from '../../engine/types';
import type { Logger } from '../../log';
import type { SessionConfig } from './model';

/** What the engine of one session is built with: the service's settings plus the session's own. */
export function engineOptions(
  c: Config,
  session: string,
  config: SessionConfig | null,
  dataDir: string,
  chromiumPath: string,
  log: Logger,
  saveMedia: MediaSaver | null = null,
): EngineOptions {
  // A session's own proxy wins over WHATSAPP_PROXY_SERVER.
  const proxy = config?.proxy ?? (c.WHATSAPP_PROXY_SERVER ? { server: c.WHATSAPP_PROXY_SERVER } : null);
  const client = config?.client;
  return {
    session,
    dataDir,
    chromiumPath,
    webCache: {
      type: c.WAHA_WEBJS_CACHE_TYPE,
      path: c.WAHA_WEBJS_CACHE_PATH || join(c.WAHA_LOCAL_STORE_BASE_DIR, 'webjs-cache'),
      remotePath: c.WAHA_WEBJS_CACHE_REMOTE_PATH,
      version: c.WAHA_WEBJS_WEB_VERSION,
    },
    proxy: proxy && { server: proxy.server, username: proxy.username ?? undefined, password: proxy.password ?? undefined },
    client: client && { deviceName: client.deviceName ?? undefined, browserName: client.browserName ?? undefined },
    initTimeoutMs: c.INIT_TIMEOUT_MS,
    destroyTimeoutMs: c.DESTROY_TIMEOUT_MS,
    log,
    ignore: config?.ignore ?? null,
    saveMedia,
  };
}
