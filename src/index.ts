/**
 * Entry: parse config → build the service → listen; SIGTERM/SIGINT → graceful stop.
 * The only file that listens or exits.
 */
import { helpText } from './cli';
import { type Config, ConfigError, parseConfig } from './config';
import { MissingDependencyError } from './errors';
import { type RunningService, startService } from './service';
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

let service: RunningService;
try {
  service = await startService(config);
} catch (e) {
  if (e instanceof MissingDependencyError) {
    console.error(`wabun: ${e.message}\n  ${e.hint}`);
    process.exit(3);
  }
  throw e;
}

// whatsapp-web.js runs async listeners of its own (page navigation, re-injection); one that
// rejects must not take every other session down with the process.
process.on('unhandledRejection', (reason) => {
  service.log.error('unhandled rejection (kept running)', { error: reason instanceof Error ? reason.message : String(reason) });
});

let stopping = false;
const onSignal = (signal: string) => {
  if (stopping) {
    // A second signal: the operator wants out now.
    process.exit(130);
  }
  stopping = true;
  service.log.info('shutting down', { signal });
  const deadline = setTimeout(() => {
    service.log.error('shutdown took too long; exiting', { timeoutMs: config.DESTROY_TIMEOUT_MS });
    process.exit(1);
  }, config.DESTROY_TIMEOUT_MS + 1000);
  service.stop().then(
    () => {
      clearTimeout(deadline);
      process.exit(0);
    },
    (e) => {
      service.log.error('shutdown failed', { error: String(e) });
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));
