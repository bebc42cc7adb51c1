import type { EngineOptions, MediaSaver } from '../../engine/types';
import type { Logger } from '../../log';
import type { SessionConfig } from './model';

/** What one session's engine is built with, from its config; the factory adds what all sessions share. */
export function engineOptions(
  session: string,
  config: SessionConfig | null,
  dataDir: string,
  log: Logger,
  saveMedia: MediaSaver | null,
): EngineOptions {
  const proxy = config?.proxy;
  const client = config?.client;
  return {
    session,
    dataDir,
    proxy: proxy ? { server: proxy.server, username: proxy.username ?? undefined, password: proxy.password ?? undefined } : null,
    device: client ? { deviceName: client.deviceName ?? undefined, browserName: client.browserName ?? undefined } : null,
    ignore: config?.ignore ?? null,
    saveMedia,
    log,
  };
}
