import { describeVariables } from './config';
import { VERSION } from './version';

/** `wabun --help`: usage and every environment variable with its default. */
export function helpText(): string {
  const rows = describeVariables();
  const width = Math.max(...rows.map((r) => r.names.length));
  const lines = rows.map((r) => `  ${r.names.padEnd(width)}  ${r.doc} [${r.values}; default: ${r.default === '' ? '(empty)' : r.default}]`);
  return [
    `wabun ${VERSION} — WhatsApp HTTP API (WAHA-compatible) driving real WhatsApp Web in Chromium`,
    '',
    'Usage: wabun [--help | --version]',
    '',
    'Configuration is read from the environment, once, at start-up:',
    ...lines,
    '',
    'API docs: http://<host>:<PORT>/docs',
  ].join('\n');
}
