import { createApp } from './app';
import { createKeyCheck, generateKey, type KeyCheck } from './auth';
import type { Config } from './config';
import { Logger } from './log';
import { ProcessMemorySource } from './memory/basic';
import { ServerService } from './modules/server/service';
import { VERSION } from './version';

/** A running service: its logger, its URL, and how to stop it. */
export interface RunningService {
  log: Logger;
  url: URL;
  stop(): Promise<void>;
}

function keyCheckFor(config: Config, log: Logger): KeyCheck | null {
  if (config.WAHA_NO_API_KEY) {
    log.warn('authentication is OFF (WAHA_NO_API_KEY=true): anyone who reaches this port can use every session');
    return null;
  }
  if (config.WAHA_API_KEY) return createKeyCheck(config.WAHA_API_KEY);
  const key = generateKey();
  // Printed once, to stderr and outside the JSON log, as WAHA does; never logged or stored.
  process.stderr.write(`\nwabun: no WAHA_API_KEY set — generated one for this run:\n\n    WAHA_API_KEY=${key}\n\nSet WAHA_API_KEY to keep a key across restarts.\n\n`);
  log.warn('generated an API key for this run (printed once on stderr); set WAHA_API_KEY to choose one');
  return createKeyCheck(key);
}

/** Wires the parts together and listens. Used by src/index.ts and by tests that need a real server. */
export async function startService(config: Config): Promise<RunningService> {
  const log = new Logger({ level: config.WAHA_LOG_LEVEL, format: config.WAHA_LOG_FORMAT });
  const keyCheck = keyCheckFor(config, log);
  const memory = new ProcessMemorySource(config.MEMORY_THRESHOLD_MB, config.MEMORY_SAMPLE_INTERVAL_MS);
  const server = new ServerService({
    memory,
    startedAt: Date.now(),
    workerId: crypto.randomUUID().slice(0, 8),
    browserVersion: () => 'unknown',
    sessionCounts: () => ({ total: 0, working: 0 }),
  });
  const app = createApp({ config, log, memory, keyCheck, server });
  app.listen({ port: config.PORT, hostname: config.WHATSAPP_API_HOSTNAME });
  const port = app.server!.port;
  const url = new URL(`http://${config.WHATSAPP_API_HOSTNAME === '0.0.0.0' ? '127.0.0.1' : config.WHATSAPP_API_HOSTNAME}:${port}`);
  log.info('listening', { version: VERSION, port, hostname: config.WHATSAPP_API_HOSTNAME, docs: `${url.origin}/docs` });

  return {
    log,
    url,
    async stop() {
      await app.stop(true);
      memory.stop();
      log.info('stopped');
    },
  };
}
