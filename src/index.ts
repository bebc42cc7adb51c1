/**
 * Entry: parse config → compose → listen; SIGTERM/SIGINT → graceful stop.
 * The only file that listens or exits.
 */
import { helpText } from './cli';
import { compose, type Service } from './compose';
import { type Config, ConfigError, parseConfig } from './config';
import { MissingDependencyError } from './errors';
import { serveOptions } from './http/server';
import { VERSION } from './version';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(helpText());
  process.exit(0);
}
if (args.includes('--version') || args.includes('-v')) {
  console.log(VERSION);
  process.exit(0);
}

let config: Config;
try {
  config = parseConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`wabun: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

let service: Service | null = null;
let stopping = false;

/** Stops everything (bounded by DESTROY_TIMEOUT_MS; `force`: browsers killed), then exits with `code`. A second call exits at once. */
function shutdown(code: number, why: Record<string, unknown>, force = false): void {
  if (stopping) process.exit(code === 0 ? 130 : code); // a second signal: the operator wants out now
  stopping = true;
  service?.log.info('shutting down', why);
  const deadline = setTimeout(() => {
    service?.log.error('shutdown took too long; exiting', { timeoutMs: config.DESTROY_TIMEOUT_MS });
    process.exit(1);
  }, config.DESTROY_TIMEOUT_MS + 1000);
  Promise.all([server?.stop(true), service?.stop({ force })]).then(
    () => {
      clearTimeout(deadline);
      process.exit(code);
    },
    (e) => {
      service?.log.error('shutdown failed', { error: String(e) });
      process.exit(1);
    },
  );
}

try {
  service = await compose(config, {
    exit: (code, reason, how) => {
      const line = `${reason}; exiting with code ${code} so the supervisor restarts the service`;
      if (code === 0) service?.log.info(line);
      else service?.log.error(line);
      shutdown(code, { reason }, how?.force ?? false);
    },
  });
} catch (e) {
  if (e instanceof MissingDependencyError) {
    console.error(`wabun: ${e.message}\n  ${e.hint}`);
    process.exit(3);
  }
  throw e;
}

if (service.generatedKey) {
  // Printed once, to stderr and outside the JSON log, as WAHA does; never logged or stored.
  process.stderr.write(
    `\nwabun: no WAHA_API_KEY set — generated one for this run:\n\n    WAHA_API_KEY=${service.generatedKey}\n\nSet WAHA_API_KEY to keep a key across restarts.\n\n`,
  );
  service.log.warn('generated an API key for this run (printed once on stderr); set WAHA_API_KEY to choose one');
} else if (config.WAHA_NO_API_KEY) {
  service.log.warn('authentication is OFF (WAHA_NO_API_KEY=true): anyone who reaches this port can use every session');
}

// whatsapp-web.js runs async listeners of its own (page navigation, re-injection); one that
// rejects must not take every other session down with the process.
process.on('unhandledRejection', (reason) => {
  service?.log.error('unhandled rejection (kept running)', { error: reason instanceof Error ? reason.message : String(reason) });
});

const server = Bun.serve(serveOptions(service.edge, { port: config.PORT, hostname: config.WHATSAPP_API_HOSTNAME }));
const port = server.port ?? config.PORT;
const shown = config.WHATSAPP_API_HOSTNAME === '0.0.0.0' ? '127.0.0.1' : config.WHATSAPP_API_HOSTNAME;
service.log.info('listening', {
  version: VERSION,
  port,
  hostname: config.WHATSAPP_API_HOSTNAME,
  docs: `http://${shown}:${port}/docs`,
  chromiumPath: service.chromiumPath,
});
service.start(port);

process.on('SIGTERM', () => shutdown(0, { signal: 'SIGTERM' }));
process.on('SIGINT', () => shutdown(0, { signal: 'SIGINT' }));
