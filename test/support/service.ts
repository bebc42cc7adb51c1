/**
 * The service as src/index.ts runs it — composed, served by Bun through the edge, started — for
 * tests that need a real server on port 0. The one place tests start the service in-process.
 */
import { type ComposeOptions, compose, type Service } from '../../src/compose';
import type { Config } from '../../src/config';
import { serveOptions } from '../../src/http/server';

export interface RunningService {
  service: Service;
  sessions: Service['sessions'];
  bus: Service['events']['bus'];
  log: Service['log'];
  /** http://127.0.0.1:<port> */
  url: URL;
  /** Settles once the sessions restored at start-up have started (or failed). */
  restored: Promise<void>;
  /** What `exit` was asked for (code and reason), in order. */
  exits: { code: number; reason: string }[];
  stop(): Promise<void>;
}

export async function startService(config: Config, options: Partial<ComposeOptions> = {}): Promise<RunningService> {
  const exits: { code: number; reason: string }[] = [];
  const service = await compose(config, { exit: (code, reason) => exits.push({ code, reason }), ...options });
  const server = Bun.serve(serveOptions(service.edge, { port: config.PORT, hostname: config.WHATSAPP_API_HOSTNAME }));
  const { restored } = service.start(server.port!);
  let stopped: Promise<void> | null = null;
  return {
    service,
    sessions: service.sessions,
    bus: service.events.bus,
    log: service.log,
    url: new URL(`http://127.0.0.1:${server.port}`),
    restored,
    exits,
    stop: () => {
      stopped ??= Promise.all([server.stop(true), service.stop()]).then(() => {});
      return stopped;
    },
  };
}
