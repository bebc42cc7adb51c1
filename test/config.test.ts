/** Configuration: defaults, aliases, refusals with the variable's name, and the README table. */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configTable, readmeTable, showDefault } from '../scripts/config-table';
import { ConfigError, parseConfig, VARIABLES } from '../src/config';

const ROOT = join(import.meta.dir, '..');

/** The ConfigError parseConfig throws for `env`. */
function refusal(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`parseConfig accepted ${JSON.stringify(env)}`);
}

describe('parseConfig', () => {
  test('defaults, typed and frozen', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      WHATSAPP_API_HOSTNAME: '0.0.0.0',
      BODY_LIMIT_MB: 5,
      WAHA_API_KEY: '',
      WAHA_NO_API_KEY: false,
      WHATSAPP_API_KEY_EXCLUDE_PATH: ['health', 'ping'],
      WAHA_LOG_LEVEL: 'info',
      WAHA_LOG_FORMAT: 'JSON',
      ENABLE_REAL_WHATSAPP: true,
      INIT_TIMEOUT_MS: 45000,
      DESTROY_TIMEOUT_MS: 5000,
      MAX_RECONNECT_ATTEMPTS: 2,
      MEMORY_THRESHOLD_MB: 300,
      WHATSAPP_HOOK_EVENTS: ['*'],
      WHATSAPP_START_SESSION: [],
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.keys(c).sort()).toEqual(VARIABLES.map((v) => v.names[0]).sort());
  });

  test('every default in the table parses', () => {
    const env = Object.fromEntries(VARIABLES.map((v) => [v.names[0], v.default]));
    expect(() => parseConfig(env)).not.toThrow();
  });

  test.each([
    ['WHATSAPP_API_KEY', 'WAHA_API_KEY', 'secret', 'secret'],
    ['SHOW_QR', 'WAHA_PRINT_QR', 'true', true],
    ['CHROME_PATH', 'PUPPETEER_EXECUTABLE_PATH', '/opt/chrome', '/opt/chrome'],
    ['WHATSAPP_API_PORT', 'PORT', '8080', 8080],
  ] as const)('alias %s sets %s', (alias, canonical, raw, parsed) => {
    expect(parseConfig({ [alias]: raw })[canonical]).toEqual(parsed);
  });

  test('the canonical name wins over its alias', () => {
    expect(parseConfig({ PORT: '1', WHATSAPP_API_PORT: '2' }).PORT).toBe(1);
  });

  test('an empty value means the default', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });

  test.each([
    ['PORT', 'abc', 'a whole number from 0 to 65535'],
    ['PORT', '70000', 'a whole number from 0 to 65535'],
    ['WHATSAPP_API_PORT', '1.5', 'a whole number from 0 to 65535'],
    ['WAHA_NO_API_KEY', 'maybe', 'true or false'],
    ['WAHA_LOG_LEVEL', 'loud', 'one of error, warn, info, debug, trace'],
    ['WHATSAPP_HOOK_URL', 'ftp://x', 'an http(s) URL'],
    ['BODY_LIMIT_MB', '0', 'a whole number from 1 to 100'],
  ])('%s=%s is refused, naming the variable', (variable, raw, expected) => {
    const e = refusal({ [variable]: raw });
    expect(e.variable).toBe(variable);
    expect(e.message).toBe(`Invalid ${variable}="${raw}": expected ${expected}.`);
  });

  test('ENABLE_REAL_WHATSAPP=false is refused: there is no mock mode', () => {
    const e = refusal({ ENABLE_REAL_WHATSAPP: 'false' });
    expect(e.variable).toBe('ENABLE_REAL_WHATSAPP');
    expect(e.message).toContain('no mock mode');
  });

  test('a sha512: key must be 128 hex digits; the value is not echoed', () => {
    const e = refusal({ WAHA_API_KEY: 'sha512:zz' });
    expect(e.variable).toBe('WAHA_API_KEY');
    expect(e.message).not.toContain('zz');
    expect(parseConfig({ WAHA_API_KEY: `sha512:${'ab'.repeat(64)}` }).WAHA_API_KEY).toBe(`sha512:${'ab'.repeat(64)}`);
    expect(parseConfig({ WAHA_API_KEY: 'plain key' }).WAHA_API_KEY).toBe('plain key');
  });

  test('WHATSAPP_SESSIONS_POSTGRESQL_URL takes a postgres:// URL; a refusal never shows the password', () => {
    const url = 'postgres://wabun:s3cret@db.internal:5432/wabun?sslmode=disable';
    expect(parseConfig({ WHATSAPP_SESSIONS_POSTGRESQL_URL: url }).WHATSAPP_SESSIONS_POSTGRESQL_URL).toBe(url);
    expect(parseConfig({ WHATSAPP_SESSIONS_POSTGRESQL_URL: 'postgresql://db/wabun' }).WHATSAPP_SESSIONS_POSTGRESQL_URL).toBe(
      'postgresql://db/wabun',
    );
    expect(parseConfig({}).WHATSAPP_SESSIONS_POSTGRESQL_URL).toBe('');
    const wrongScheme = refusal({ WHATSAPP_SESSIONS_POSTGRESQL_URL: 'mysql://wabun:s3cret@db/wabun' });
    expect(wrongScheme.variable).toBe('WHATSAPP_SESSIONS_POSTGRESQL_URL');
    expect(wrongScheme.message).toBe(
      'Invalid WHATSAPP_SESSIONS_POSTGRESQL_URL="mysql://wabun:[redacted]@db/wabun": expected a postgres:// or postgresql:// URL with a host, e.g. postgres://user:pass@host:5432/db.',
    );
    expect(refusal({ WHATSAPP_SESSIONS_POSTGRESQL_URL: 'db.internal:5432' }).variable).toBe('WHATSAPP_SESSIONS_POSTGRESQL_URL');
    expect(refusal({ WHATSAPP_SESSIONS_POSTGRESQL_URL: 'postgres://u:p@ss@/x' }).message).not.toContain('p@ss');
  });

  test('list variables are checked entry by entry: session names, headers, address rules', () => {
    expect(refusal({ WHATSAPP_START_SESSION: 'ok,bad name' }).message).toContain('"bad name"');
    expect(refusal({ WHATSAPP_HOOK_CUSTOM_HEADERS: 'X-A:1;novalue' }).variable).toBe('WHATSAPP_HOOK_CUSTOM_HEADERS');
    expect(refusal({ MEDIA_FETCH_ALLOW: '10.0.0.0/8,not a host' }).message).toContain('"not a host"');
    expect(refusal({ WEBHOOK_DENY: '10.0.0.0/33' }).variable).toBe('WEBHOOK_DENY');
    const c = parseConfig({ MEDIA_FETCH_ALLOW: 'media.internal, 10.0.0.0/8 ,::1', WHATSAPP_HOOK_CUSTOM_HEADERS: 'X-A: 1;X-B:two' });
    expect([...c.MEDIA_FETCH_ALLOW.hosts]).toEqual(['media.internal']);
    expect(c.MEDIA_FETCH_ALLOW.cidrs).toHaveLength(2);
    expect(c.WHATSAPP_HOOK_CUSTOM_HEADERS).toEqual([
      { name: 'X-A', value: '1' },
      { name: 'X-B', value: 'two' },
    ]);
  });

  test('CHROMIUM_EXTRA_FLAGS: flags separated by spaces, each --name or --name=value', () => {
    expect(parseConfig({}).CHROMIUM_EXTRA_FLAGS).toEqual([]);
    expect(parseConfig({ CHROMIUM_EXTRA_FLAGS: ' --disable-features=A,B   --lang=de \n--mute-audio ' }).CHROMIUM_EXTRA_FLAGS).toEqual([
      '--disable-features=A,B',
      '--lang=de',
      '--mute-audio',
    ]);
    const e = refusal({ CHROMIUM_EXTRA_FLAGS: '--lang=de disable-gpu' });
    expect(e.variable).toBe('CHROMIUM_EXTRA_FLAGS');
    expect(e.message).toContain('"disable-gpu"');
    expect(refusal({ CHROMIUM_EXTRA_FLAGS: '-x' }).variable).toBe('CHROMIUM_EXTRA_FLAGS');
  });

  test('MAX_RUNNING_SESSIONS defaults to one per 50 MB of MEMORY_THRESHOLD_MB, at least one', () => {
    expect(parseConfig({}).MAX_RUNNING_SESSIONS).toBe(6);
    expect(parseConfig({ MEMORY_THRESHOLD_MB: '1024' }).MAX_RUNNING_SESSIONS).toBe(20);
    expect(parseConfig({ MEMORY_THRESHOLD_MB: '40' }).MAX_RUNNING_SESSIONS).toBe(1);
    expect(parseConfig({ MAX_RUNNING_SESSIONS: '2' }).MAX_RUNNING_SESSIONS).toBe(2);
  });
});

describe('start-up refuses a bad variable', () => {
  /** Runs `bun src/index.ts` in an empty folder with only `env` (and PATH) set. */
  async function start(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'wabun-config-'));
    try {
      const proc = Bun.spawn(['bun', join(ROOT, 'src', 'index.ts')], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, WAHA_API_KEY: 'k', ...env },
        stdout: 'pipe',
        stderr: 'pipe',
      });
      const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      return { code, stdout, stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('PORT=abc exits 2 with a line naming PORT', async () => {
    const r = await start({ PORT: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('wabun: Invalid PORT="abc": expected a whole number from 0 to 65535.');
    expect(r.stdout).toBe('');
  });

  test('WAHA_API_KEY=sha512:zz exits 2 naming WAHA_API_KEY, without a stack', async () => {
    const r = await start({ WAHA_API_KEY: 'sha512:zz', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toStartWith('wabun: Invalid WAHA_API_KEY=');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a WHATSAPP_SESSIONS_POSTGRESQL_URL that is not a postgres:// URL exits 2 naming it', async () => {
    const r = await start({ WHATSAPP_SESSIONS_POSTGRESQL_URL: 'localhost:5432', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toStartWith('wabun: Invalid WHATSAPP_SESSIONS_POSTGRESQL_URL="localhost:5432": expected a postgres://');
  });

  test('ENABLE_REAL_WHATSAPP=false exits 2 with the no-mock message', async () => {
    const r = await start({ ENABLE_REAL_WHATSAPP: 'false', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ENABLE_REAL_WHATSAPP');
    expect(r.stderr).toContain('no mock mode');
  });
});

describe('README configuration table', () => {
  test('lists every variable with its aliases and default', async () => {
    const table = await readmeTable();
    expect(table).not.toBeNull();
    const rows = table!.split('\n');
    for (const v of VARIABLES) {
      const row = rows.find((r) => r.startsWith(`| \`${v.names[0]}\``));
      expect(row, `README.md has no row for ${v.names[0]}`).toBeDefined();
      for (const name of v.names) expect(row).toContain(`\`${name}\``);
      expect(row!.split(' | ')[2]).toBe(showDefault(v.default));
    }
  });

  test('is exactly what scripts/config-table.ts prints (run it with --write after changing src/config.ts)', async () => {
    expect(await readmeTable()).toBe(configTable());
  });
});
