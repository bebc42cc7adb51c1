/**
 * Every environment variable the service reads, parsed once at start-up into a frozen object.
 *
 * One table (`VARIABLES`) is the single source: it parses, it feeds `wabun --help`, and the
 * README's configuration table is checked against it (test/config.test.ts). A bad value stops
 * start-up with exit code 2 and a line naming the variable, the value and what was expected —
 * unlike WAHA's getters, which turn a bad number into NaN silently.
 */

import { normalizeOrigin, originProblem } from './http/cors';
import { parseRules, type Rules } from './net/policy';

type Kind =
  | { type: 'int'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' }
  | { type: 'url' }
  /** A `postgres://` or `postgresql://` URL (it may hold a password: never printed whole). */
  | { type: 'postgres' }
  /** Plain text, or `sha512:` and 128 hex digits. */
  | { type: 'apikey' }
  /** `Name:value;Name2:value2`, each a valid HTTP header. */
  | { type: 'headers' }
  /** A comma list of session names (each becomes a folder name). */
  | { type: 'sessions' }
  /** A comma list of host names, addresses and CIDR ranges (the outbound URL policy). */
  | { type: 'rules' }
  /** `*`, or a comma list of origins (`scheme://host[:port]`). */
  | { type: 'origins' }
  /** Command-line flags separated by spaces, each `--name` or `--name=value`. */
  | { type: 'flags' };

interface Variable {
  /** First name is the canonical one; later names are aliases (WAHA's, or those older deployments set). */
  names: readonly string[];
  kind: Kind;
  default: string;
  doc: string;
  /** Secrets are never printed, not even in --help's default column. */
  secret?: boolean;
}

const int = (min: number, max: number) => ({ type: 'int', min, max }) as const;
const bool = { type: 'bool' } as const;
const str = { type: 'string' } as const;
const list = { type: 'list' } as const;
const url = { type: 'url' } as const;
const postgres = { type: 'postgres' } as const;
const apikey = { type: 'apikey' } as const;
const headers = { type: 'headers' } as const;
const sessions = { type: 'sessions' } as const;
const rules = { type: 'rules' } as const;
const origins = { type: 'origins' } as const;
const flags = { type: 'flags' } as const;

/** A session name: it becomes a folder name, so only these characters (WAHA allows the same). */
export const SESSION_NAME_PATTERN = '^[A-Za-z0-9_-]{1,54}$';
export const SESSION_NAME_HINT = 'a session name is 1–54 letters, digits, _ or - (it becomes a folder name)';
const oneOf = <const V extends string[]>(...values: V) => ({ type: 'enum', values }) as const;

/** The table. Order is the order of --help and of the README. */
export const VARIABLES = [
  // --- HTTP server
  { names: ['PORT', 'WHATSAPP_API_PORT'], kind: int(0, 65535), default: '3000', doc: 'HTTP port (0 picks a free one and logs it).' },
  { names: ['WHATSAPP_API_HOSTNAME'], kind: str, default: '0.0.0.0', doc: 'Address to listen on.' },
  { names: ['WAHA_BASE_URL'], kind: str, default: '', doc: 'Public base URL used in media links; empty = http://localhost:PORT.' },
  { names: ['BODY_LIMIT_MB'], kind: int(1, 100), default: '5', doc: 'Largest request body accepted; larger bodies get 413.' },
  {
    names: ['CORS_ALLOWED_ORIGINS'],
    kind: origins,
    default: '*',
    doc: 'Origins whose pages may call the API from a browser (CORS): * for any (as WAHA), or a comma list like https://dash.example.com. Preflights never need the key.',
  },
  // --- auth
  {
    names: ['WAHA_API_KEY', 'WHATSAPP_API_KEY'],
    kind: apikey,
    default: '',
    secret: true,
    doc: 'API key, plain or `sha512:<hex>`. Empty: a key is generated at start and printed once.',
  },
  { names: ['WAHA_NO_API_KEY'], kind: bool, default: 'false', doc: 'true turns authentication off deliberately (a warning is logged).' },
  {
    names: ['WHATSAPP_API_KEY_EXCLUDE_PATH'],
    kind: list,
    default: 'health,ping',
    doc: 'Comma list of paths (without the leading /) open without a key.',
  },
  // --- dashboard
  { names: ['WAHA_DASHBOARD_ENABLED'], kind: bool, default: 'true', doc: 'Serve the web dashboard at /dashboard (from the executable).' },
  {
    names: ['WAHA_DASHBOARD_USERNAME'],
    kind: str,
    default: 'admin',
    doc: 'Basic-auth user name for /dashboard (used when WAHA_DASHBOARD_PASSWORD is set).',
  },
  {
    names: ['WAHA_DASHBOARD_PASSWORD'],
    kind: str,
    default: '',
    secret: true,
    doc: 'Basic-auth password for /dashboard; empty: no basic auth (the page still needs the API key).',
  },
  // --- logs
  { names: ['WAHA_LOG_LEVEL'], kind: oneOf('error', 'warn', 'info', 'debug', 'trace'), default: 'info', doc: 'Lowest level written.' },
  { names: ['WAHA_LOG_FORMAT'], kind: oneOf('JSON', 'PRETTY'), default: 'JSON', doc: 'JSON lines for machines, PRETTY for a terminal.' },
  {
    names: ['WAHA_DEBUG_MODE'],
    kind: bool,
    default: 'false',
    doc: 'Serve the debug routes (/api/server/debug/…: heap snapshot, CPU profile, browser trace); off, they answer 404.',
  },
  // --- sessions and the engine
  {
    names: ['WAHA_LOCAL_STORE_BASE_DIR'],
    kind: str,
    default: './.sessions',
    doc: 'Data folder: the SQLite store, browser profiles, media.',
  },
  {
    names: ['WHATSAPP_SESSIONS_POSTGRESQL_URL'],
    kind: postgres,
    default: '',
    secret: true,
    doc: 'PostgreSQL as the store (sessions, webhook outbox, published-message ledger), e.g. `postgres://user:pass@host:5432/db?sslmode=disable`; empty = the SQLite file in the data folder.',
  },
  {
    names: ['WHATSAPP_RESTART_ALL_SESSIONS'],
    kind: bool,
    default: 'false',
    doc: 'At start also start sessions that were stopped (running ones always come back).',
  },
  {
    names: ['WHATSAPP_START_SESSION'],
    kind: sessions,
    default: '',
    doc: 'Comma list of sessions to create (if missing) and start at start-up.',
  },
  {
    names: ['MAX_SESSIONS'],
    kind: int(1, 100000),
    default: '1000',
    doc: 'Most sessions that may exist (stored, running or not); creating one more is refused with 422.',
  },
  {
    names: ['MAX_RUNNING_SESSIONS'],
    kind: int(0, 10000),
    default: '0',
    doc: 'Most sessions with a browser at once (on the headless shell each costs about 35 MB with a small account, 115 MB with a busy one); starting one more is refused with 422. 0 = one per 50 MB of MEMORY_THRESHOLD_MB (6 for 300 MB).',
  },
  // --- cluster: several nodes on one PostgreSQL store (docs/cluster.md)
  {
    names: ['WAHA_WORKER_ID'],
    kind: str,
    default: '',
    doc: "This node's name (`assignedWorker`, `environment.worker.id` in webhooks). With WHATSAPP_SESSIONS_POSTGRESQL_URL it turns on session leases: each node runs the sessions it holds a lease on, up to MAX_RUNNING_SESSIONS, and takes over those of a node that stops renewing. Empty = a random id per run, and this node runs every session.",
  },
  {
    names: ['WORKER_URL'],
    kind: url,
    default: '',
    doc: 'How the other nodes reach this one, for requests they forward to it (e.g. `http://node-a:3000`); empty = `http://<WHATSAPP_API_HOSTNAME or the host name>:<port>`.',
  },
  {
    names: ['LEASE_TTL_MS'],
    kind: int(3000, 600000),
    default: '15000',
    doc: 'A session lease lasts this long past its last renewal, on the database clock: how long a dead node keeps its sessions before another takes them.',
  },
  {
    names: ['LEASE_RENEW_MS'],
    kind: int(500, 300000),
    default: '5000',
    doc: 'How often a node renews its leases (less than a third of LEASE_TTL_MS, so two renewals may fail before a lease is lost).',
  },
  {
    names: ['LEASE_CLAIM_MS'],
    kind: int(200, 60000),
    default: '2000',
    doc: 'How often a node looks for sessions that should run and have no live lease (new, released, or left by a dead node).',
  },
  {
    names: ['PROFILE_SAVE_INTERVAL_MS'],
    kind: int(0, 86400000),
    default: '300000',
    doc: "In a cluster, how often a WORKING session's login (the profile's IndexedDB and Local Storage) is saved to the store, besides after pairing and at a graceful stop; 0 = only then.",
  },
  {
    names: ['PROFILE_MAX_MB'],
    kind: int(1, 4096),
    default: '64',
    doc: "Largest login profile saved to the store (compressed); a larger one is not saved and the session's next node shows a QR.",
  },
  // --- cluster: login profiles in S3-compatible storage (docs/cluster.md). WAHA Plus reads the
  // same names for its media storage; wabun keeps the cluster's login profiles there.
  {
    names: ['WAHA_S3_BUCKET'],
    kind: str,
    default: '',
    doc: "In a cluster, keep the login profiles in this S3-compatible bucket (AWS S3, MinIO, …) instead of PostgreSQL; PostgreSQL then holds only a pointer (key, size, SHA-256) written under the session's lease. Empty = the profiles stay in PostgreSQL. (WAHA Plus uses the WAHA_S3_* variables for media; wabun keeps media on disk.)",
  },
  { names: ['WAHA_S3_REGION'], kind: str, default: 'us-east-1', doc: "The bucket's region (signed into every request)." },
  {
    names: ['WAHA_S3_ENDPOINT'],
    kind: url,
    default: '',
    doc: 'The S3-compatible server, e.g. `http://minio:9000`; empty = AWS S3 in WAHA_S3_REGION.',
  },
  {
    names: ['WAHA_S3_ACCESS_KEY_ID'],
    kind: str,
    default: '',
    secret: true,
    doc: "Access key for the bucket; empty = Bun's defaults (S3_ACCESS_KEY_ID, AWS_ACCESS_KEY_ID).",
  },
  {
    names: ['WAHA_S3_SECRET_ACCESS_KEY'],
    kind: str,
    default: '',
    secret: true,
    doc: 'Secret of that access key (never logged, masked in /api/server/environment).',
  },
  {
    names: ['WAHA_S3_FORCE_PATH_STYLE'],
    kind: bool,
    default: 'false',
    doc: 'true: `<endpoint>/<bucket>/<key>` (MinIO and most self-hosted servers); false: `<bucket>.<endpoint host>/<key>` (AWS).',
  },
  {
    names: ['PROFILE_S3_PREFIX'],
    kind: str,
    default: 'wabun-profiles',
    doc: 'Key prefix of the login profiles in the bucket: `<prefix>/<session>/<epoch>-<random>.wabun-profile`.',
  },
  { names: ['WAHA_PRINT_QR', 'SHOW_QR'], kind: bool, default: 'false', doc: 'Print each new QR code in the terminal.' },
  {
    names: ['PUPPETEER_EXECUTABLE_PATH', 'CHROME_PATH'],
    kind: str,
    default: '',
    doc: "Chromium binary; empty = Debian's chromium-headless-shell, else full chromium, else Google Chrome (the start-up log says which).",
  },
  {
    names: ['CHROMIUM_EXTRA_FLAGS'],
    kind: flags,
    default: '',
    doc: 'More Chromium flags for every browser, separated by spaces; `--disable-features=`/`--enable-features=` lists are merged into ours, any other flag replaces ours of the same name.',
  },
  {
    names: ['WHATSAPP_PROXY_SERVER'],
    kind: str,
    default: '',
    doc: "Proxy for every session's browser (`host:port`), unless the session sets its own.",
  },
  {
    names: ['WAHA_WEBJS_CACHE_TYPE'],
    kind: oneOf('none', 'local', 'remote'),
    default: 'none',
    doc: 'Where the WhatsApp Web page comes from: live (none), a local folder of cached pages, or a remote URL template.',
  },
  {
    names: ['WAHA_WEBJS_CACHE_PATH'],
    kind: str,
    default: '',
    doc: 'Folder of cached pages `<version>.html` for the local cache; empty = `<store>/webjs-cache`.',
  },
  { names: ['WAHA_WEBJS_CACHE_REMOTE_PATH'], kind: str, default: '', doc: 'URL template with `{version}` for the remote cache.' },
  {
    names: ['WAHA_WEBJS_WEB_VERSION'],
    kind: str,
    default: '',
    doc: 'Pin the WhatsApp Web version (e.g. 2.3000.1017054665); empty = the library default.',
  },
  {
    names: ['ENABLE_REAL_WHATSAPP'],
    kind: bool,
    default: 'true',
    doc: 'Must be true: there is no mock mode (accepted for deployments that still set it).',
  },
  { names: ['INIT_TIMEOUT_MS'], kind: int(1000, 600000), default: '45000', doc: 'Browser launch and page load time-out.' },
  {
    names: ['DESTROY_TIMEOUT_MS'],
    kind: int(100, 60000),
    default: '5000',
    doc: 'Graceful browser close before SIGKILL of its process tree; also the shutdown budget.',
  },
  {
    names: ['MAX_RECONNECT_ATTEMPTS'],
    kind: int(0, 100),
    default: '2',
    doc: 'Reconnect attempts after a crash or disconnect before FAILED.',
  },
  {
    names: ['INITIAL_RECONNECT_DELAY'],
    kind: int(0, 3600000),
    default: '10000',
    doc: 'First reconnect delay in ms; each next one ×1.5 with jitter.',
  },
  {
    names: ['EXIT_ON_ALL_SESSIONS_FAILED'],
    kind: bool,
    default: 'false',
    doc: 'Exit non-zero when the last running session FAILED, so a supervisor restarts us.',
  },
  { names: ['QR_FIRST_TIMEOUT_MS'], kind: int(1000, 600000), default: '60000', doc: 'Lifetime of the first QR code.' },
  { names: ['QR_NEXT_TIMEOUT_MS'], kind: int(1000, 600000), default: '20000', doc: 'Lifetime of each next QR code.' },
  { names: ['QR_MAX_COUNT'], kind: int(1, 100), default: '6', doc: 'QR codes shown before an unscanned session goes FAILED.' },
  // --- memory
  {
    names: ['MEMORY_THRESHOLD_MB'],
    kind: int(32, 1048576),
    default: '300',
    doc: 'Memory budget for the service and its browsers; the governor acts at 70/80/90/120 %.',
  },
  {
    names: ['MAX_HEAP_SIZE_MB'],
    kind: int(16, 1048576),
    default: '256',
    doc: 'Ceiling for the Bun heap; above it the governor collects and trims.',
  },
  {
    names: ['GC_INTERVAL_MS'],
    kind: int(0, 3600000),
    default: '15000',
    doc: 'Periodic collection, only when the heap grew since the last one; 0 = off.',
  },
  {
    names: ['MEMORY_SAMPLE_INTERVAL_MS'],
    kind: int(250, 600000),
    default: '5000',
    doc: 'How often memory (service + browsers) is sampled.',
  },
  { names: ['MEMORY_GOVERNOR'], kind: bool, default: 'true', doc: 'false samples and reports but never acts.' },
  // --- webhooks
  { names: ['WHATSAPP_HOOK_URL'], kind: url, default: '', doc: 'Global webhook for every session (not shown in session configs).' },
  { names: ['WHATSAPP_HOOK_EVENTS'], kind: list, default: '*', doc: 'Events for the global webhook, comma list or *.' },
  { names: ['WHATSAPP_HOOK_HMAC_KEY'], kind: str, default: '', secret: true, doc: 'HMAC-SHA512 key for the global webhook.' },
  {
    names: ['WHATSAPP_HOOK_RETRIES_POLICY'],
    kind: oneOf('constant', 'linear', 'exponential'),
    default: 'exponential',
    doc: 'Retry delays for the global webhook.',
  },
  { names: ['WHATSAPP_HOOK_RETRIES_DELAY_SECONDS'], kind: int(0, 3600), default: '2', doc: 'Base retry delay for the global webhook.' },
  {
    names: ['WHATSAPP_HOOK_RETRIES_ATTEMPTS'],
    kind: int(0, 100),
    default: '15',
    doc: 'Retries for the global webhook before the dead-letter table.',
  },
  {
    names: ['WHATSAPP_HOOK_CUSTOM_HEADERS'],
    kind: headers,
    default: '',
    secret: true,
    doc: 'Extra headers for the global webhook: `Name:value;Name2:value2`.',
  },
  { names: ['WEBHOOK_TIMEOUT_MS'], kind: int(100, 600000), default: '10000', doc: 'A delivery without a 2xx within this time is retried.' },
  {
    names: ['WEBHOOK_DENY'],
    kind: rules,
    default: '169.254.0.0/16,fe80::/10',
    doc: 'Hosts, addresses or CIDR ranges webhooks may not reach (checked on the resolved address at each attempt); the default keeps link-local and cloud metadata out, loopback and private networks stay allowed.',
  },
  // --- media
  {
    names: ['WHATSAPP_DOWNLOAD_MEDIA'],
    kind: bool,
    default: 'true',
    doc: 'Store incoming media under the data folder and link it in events.',
  },
  { names: ['WHATSAPP_FILES_LIFETIME'], kind: int(0, 31536000), default: '180', doc: 'Seconds stored media is kept; 0 = forever.' },
  { names: ['MEDIA_MAX_MB'], kind: int(1, 1024), default: '16', doc: 'Largest media fetched from a URL for sending (413 above it).' },
  { names: ['MEDIA_FETCH_TIMEOUT_MS'], kind: int(100, 600000), default: '30000', doc: 'Time-out for fetching media from a URL.' },
  {
    names: ['MEDIA_FETCH_ALLOW'],
    kind: rules,
    default: '',
    doc: 'Hosts, addresses or CIDR ranges a media `file.url` may reach although not public; by default loopback, private, link-local, unique-local and metadata addresses are refused (at every redirect too).',
  },
] as const satisfies readonly Variable[];

export type VariableName = (typeof VARIABLES)[number]['names'][0];

type ValueOf<K extends Kind> = K extends { type: 'int' }
  ? number
  : K extends { type: 'bool' }
    ? boolean
    : K extends { type: 'list' } | { type: 'sessions' } | { type: 'flags' }
      ? readonly string[]
      : K extends { type: 'headers' }
        ? readonly { readonly name: string; readonly value: string }[]
        : K extends { type: 'rules' }
          ? Rules
          : K extends { type: 'origins' }
            ? readonly string[]
            : K extends { type: 'enum'; values: readonly (infer V)[] }
              ? V
              : string;

/** The parsed configuration, keyed by each variable's canonical name. */
export type Config = {
  readonly [V in (typeof VARIABLES)[number] as V['names'][0]]: ValueOf<V['kind']>;
};

/** A variable with a value that cannot be used. Start-up prints `message` and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    value: string,
    expected: string,
  ) {
    super(`Invalid ${variable}=${JSON.stringify(value)}: expected ${expected}.`);
  }
}

/** The value with any `user:password@` part's password masked; all of it masked when no such part can be told apart. */
function withoutPassword(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(value);
  if (m) return `${m[1]}${m[2]!.split(':')[0]}${m[2]!.includes(':') ? ':[redacted]' : ''}@${value.slice(m[0].length)}`;
  return value.includes('@') ? '[redacted]' : value;
}

function parseValue(name: string, raw: string, kind: Kind): unknown {
  const value = raw.trim();
  switch (kind.type) {
    case 'int': {
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || n < kind.min || n > kind.max)
        throw new ConfigError(name, raw, `a whole number from ${kind.min} to ${kind.max}`);
      return n;
    }
    case 'bool': {
      const v = value.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(name, raw, 'true or false');
    }
    case 'enum': {
      const hit = kind.values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (hit === undefined) throw new ConfigError(name, raw, `one of ${kind.values.join(', ')}`);
      return hit;
    }
    case 'list':
      return Object.freeze(
        value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
    case 'url': {
      if (value === '') return '';
      let u: URL;
      try {
        u = new URL(value);
      } catch {
        throw new ConfigError(name, raw, 'an http(s) URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError(name, raw, 'an http(s) URL');
      return value;
    }
    case 'postgres': {
      if (value === '') return '';
      let u: URL | null = null;
      try {
        u = new URL(value);
      } catch {
        // reported below, without the value (it may hold a password)
      }
      if (!u || (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') || !u.hostname)
        throw new ConfigError(
          name,
          withoutPassword(value),
          'a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@host:5432/db',
        );
      return value;
    }
    case 'string':
      return value;
    case 'apikey': {
      if (!/^sha512:/i.test(value)) return value;
      if (!/^[0-9a-f]{128}$/i.test(value.slice('sha512:'.length)))
        throw new ConfigError(name, '[redacted]', "plain text, or sha512: followed by the 128 hex digits of the key's SHA-512");
      return value;
    }
    case 'headers': {
      const out: { name: string; value: string }[] = [];
      for (const part of value.split(';')) {
        if (part.trim() === '') continue;
        const colon = part.indexOf(':');
        const header = { name: part.slice(0, colon).trim(), value: part.slice(colon + 1).trim() };
        let valid = colon > 0;
        try {
          if (valid) new Headers([[header.name, header.value]]);
        } catch {
          valid = false;
        }
        if (!valid) throw new ConfigError(name, '[redacted]', 'valid `Name:value` header pairs separated by `;`');
        out.push(Object.freeze(header));
      }
      return Object.freeze(out);
    }
    case 'sessions': {
      const names = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.find((n) => !new RegExp(SESSION_NAME_PATTERN).test(n));
      if (bad !== undefined)
        throw new ConfigError(name, raw, `a comma list of session names (${JSON.stringify(bad)} is not: ${SESSION_NAME_HINT})`);
      return Object.freeze(names);
    }
    case 'origins': {
      const items = value
        .split(',')
        .map((s) => s.trim().replace(/\/+$/, ''))
        .filter(Boolean);
      for (const item of items) {
        const problem = originProblem(item);
        if (problem)
          throw new ConfigError(
            name,
            raw,
            `* or a comma list of origins like https://app.example.com (${JSON.stringify(item)} is ${problem})`,
          );
      }
      return Object.freeze(items.length ? items.map(normalizeOrigin) : ['*']);
    }
    case 'flags': {
      const list = value.split(/\s+/).filter(Boolean);
      const bad = list.find((f) => !/^--[A-Za-z0-9][\w-]*(=.*)?$/.test(f));
      if (bad !== undefined)
        throw new ConfigError(name, raw, `Chromium flags separated by spaces, each --name or --name=value (${JSON.stringify(bad)} is not)`);
      return Object.freeze(list);
    }
    case 'rules': {
      const { rules, invalid } = parseRules(value.split(','));
      if (invalid.length)
        throw new ConfigError(name, raw, `a comma list of host names, IP addresses or CIDR ranges (${JSON.stringify(invalid[0])} is none)`);
      return rules;
    }
  }
}

/** Parse the environment once. Throws ConfigError on the first bad value. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const v of VARIABLES as readonly Variable[]) {
    const given = v.names.find((n) => env[n] !== undefined && env[n] !== '');
    const name = given ?? v.names[0]!;
    out[v.names[0]!] = parseValue(name, given ? env[given]! : v.default, v.kind);
  }
  if (out.ENABLE_REAL_WHATSAPP === false)
    throw new ConfigError(
      'ENABLE_REAL_WHATSAPP',
      env.ENABLE_REAL_WHATSAPP ?? '',
      'true: there is no mock mode — wabun always drives real WhatsApp Web in Chromium',
    );
  // One browser per 50 MB of the budget: idle sessions of a small account cost about that each,
  // so more would sit above the governor's recycle line (120 %) before any traffic.
  if (out.MAX_RUNNING_SESSIONS === 0) out.MAX_RUNNING_SESSIONS = Math.max(1, Math.floor((out.MEMORY_THRESHOLD_MB as number) / 50));
  if ((out.LEASE_RENEW_MS as number) * 3 > (out.LEASE_TTL_MS as number))
    throw new ConfigError(
      'LEASE_RENEW_MS',
      String(out.LEASE_RENEW_MS),
      `at most a third of LEASE_TTL_MS (${out.LEASE_TTL_MS}), so a lease survives two failed renewals`,
    );
  if ((out.WAHA_S3_ACCESS_KEY_ID === '') !== (out.WAHA_S3_SECRET_ACCESS_KEY === ''))
    throw new ConfigError(
      out.WAHA_S3_ACCESS_KEY_ID === '' ? 'WAHA_S3_ACCESS_KEY_ID' : 'WAHA_S3_SECRET_ACCESS_KEY',
      '',
      'set together with its pair (WAHA_S3_ACCESS_KEY_ID and WAHA_S3_SECRET_ACCESS_KEY), or neither',
    );
  if (!/^[A-Za-z0-9!_.*'()/-]+$/.test(out.PROFILE_S3_PREFIX as string) || (out.PROFILE_S3_PREFIX as string).startsWith('/'))
    throw new ConfigError(
      'PROFILE_S3_PREFIX',
      String(out.PROFILE_S3_PREFIX),
      "an S3 key prefix of letters, digits and !_.*'()/- not starting with /",
    );
  return Object.freeze(out) as Config;
}

function describeKind(kind: Kind): string {
  switch (kind.type) {
    case 'int':
      return `${kind.min}–${kind.max}`;
    case 'bool':
      return 'true|false';
    case 'enum':
      return kind.values.join('|');
    case 'list':
      return 'comma list';
    case 'url':
      return 'http(s) URL';
    case 'postgres':
      return 'postgres:// URL';
    case 'string':
      return 'text';
    case 'apikey':
      return 'text or sha512:<hex>';
    case 'headers':
      return 'Name:value;…';
    case 'sessions':
      return 'comma list of names';
    case 'rules':
      return 'hosts, IPs, CIDRs';
    case 'origins':
      return '* or origins';
    case 'flags':
      return '--flag[=value] …';
  }
}

/** Rows for --help and the README table: name (aliases), accepted values, default, meaning. */
export function describeVariables(): { names: string; values: string; default: string; doc: string }[] {
  return (VARIABLES as readonly Variable[]).map((v) => ({
    names: v.names.join(' / '),
    values: describeKind(v.kind),
    default: v.default,
    doc: v.doc,
  }));
}
