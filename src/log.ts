/**
 * JSON-lines logger on stdout (PRETTY for a terminal). Fields named like secrets are
 * redacted wherever they appear, so a key or password can never reach the logs.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'JSON' | 'PRETTY';
type Fields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3, trace: 4 };
const SECRET = /(api[-_]?key|secret|password|token|hmac|authorization|cookie)/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Fields = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  write?: (line: string) => void;
}

/** A logger bound to some fields (e.g. `session`, `requestId`). */
export class Logger {
  constructor(
    private readonly opts: LoggerOptions,
    private readonly bound: Fields = {},
  ) {}

  /** A logger that adds `fields` to every line; with `level`, one that writes down to that level instead. */
  child(fields: Fields, level?: LogLevel): Logger {
    return new Logger(level ? { ...this.opts, level: RANK[level] > RANK[this.opts.level] ? level : this.opts.level } : this.opts, {
      ...this.bound,
      ...fields,
    });
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] <= RANK[this.opts.level];
  }

  error(msg: string, fields?: Fields) {
    this.emit('error', msg, fields);
  }
  warn(msg: string, fields?: Fields) {
    this.emit('warn', msg, fields);
  }
  info(msg: string, fields?: Fields) {
    this.emit('info', msg, fields);
  }
  debug(msg: string, fields?: Fields) {
    this.emit('debug', msg, fields);
  }
  trace(msg: string, fields?: Fields) {
    this.emit('trace', msg, fields);
  }

  private emit(level: LogLevel, msg: string, fields?: Fields) {
    if (!this.enabled(level)) return;
    const record = redact({ time: new Date().toISOString(), level, msg, ...this.bound, ...fields }) as Fields;
    const line = this.opts.format === 'PRETTY' ? pretty(record) : JSON.stringify(record);
    (this.opts.write ?? writeStdout)(`${line}\n`);
  }
}

function pretty(r: Fields): string {
  const { time, level, msg, ...rest } = r;
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(time).slice(11, 23)} ${String(level).toUpperCase().padEnd(5)} ${msg}${extra ? `  ${extra}` : ''}`;
}

function writeStdout(line: string) {
  process.stdout.write(line);
}

/** A logger that writes nothing: for tests that do not read logs. */
export const silentLogger = new Logger({ level: 'error', format: 'JSON', write: () => {} });
