/**
 * The compiled executable, alone in an empty folder: --help, --version, /health, /docs/json,
 * /docs rendered in headless Chromium with no request to another host, SIGTERM → exit 0.
 *
 * Where the test may (root, `unshare`), the executable runs in a mount namespace where the
 * repository is hidden under an empty tmpfs, so a file it still reads from the build machine
 * (node_modules) fails here as it would on a server. Elsewhere it runs plainly.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import pkg from '../../package.json' with { type: 'json' };
import { ensureBuilt, ROOT } from '../../scripts/build';
import { VARIABLES } from '../../src/config';
import { buildTestApp, documentedRoutes } from '../support/app';
import { allGone, chromiumPath, livingWithEnv, OFFLINE_FLAGS, type Started, startProcess } from '../support/process';

const KEY = 'binary-test-key';
/** Inherited by every process the test's Chromium starts: how the test finds them all. */
const MARK = `WABUN_TEST_BROWSER=${crypto.randomUUID()}`;
const CHROMIUM = chromiumPath();
let dir = '';
let exe = '';
let service: Started;
let base = '';
let browser: Browser | undefined;
/** Operations in the executable's /docs/json: the page must show as many. */
let operationCount = 0;

/** True when this user can hide the repository from a child (root with mount namespaces). */
const canHideRepo = () => process.getuid?.() === 0 && Bun.spawnSync(['unshare', '-m', 'true']).exitCode === 0;

beforeAll(async () => {
  const built = await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'wabun-binary-'));
  exe = join(dir, 'wabun');
  copyFileSync(built.outfile, exe);
  chmodSync(exe, 0o755);
  // unshare execs sh, which execs the binary: one pid, so SIGTERM reaches wabun itself.
  const cmd = canHideRepo() ? ['unshare', '-m', 'sh', '-c', 'mount -t tmpfs none "$1" && exec "$2"', 'sh', ROOT, exe] : [exe];
  service = await startProcess(cmd, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      PORT: '0',
      WAHA_API_KEY: KEY,
      WAHA_LOCAL_STORE_BASE_DIR: join(dir, 'data'),
      PUPPETEER_EXECUTABLE_PATH: CHROMIUM,
    },
  });
  base = `http://127.0.0.1:${service.port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  for (const pid of livingWithEnv(MARK)) process.kill(pid, 'SIGKILL');
  service?.kill();
  await service?.proc.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the executable', () => {
  test('--version prints the package version', () => {
    const r = Bun.spawnSync([exe, '--version'], { cwd: dir, env: { PATH: process.env.PATH } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.toString().trim()).toBe(pkg.version);
  });

  test('--help lists every variable, its aliases and its default', () => {
    const r = Bun.spawnSync([exe, '--help'], { cwd: dir, env: { PATH: process.env.PATH } });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.toString().split('\n');
    for (const v of VARIABLES) {
      const line = lines.find((l) => l.trimStart().startsWith(`${v.names.join(' / ')} `));
      expect(line, `no --help line for ${v.names[0]}`).toBeDefined();
      expect(line).toContain(`default: ${v.default === '' ? '(empty)' : v.default}]`);
    }
  });

  test('ran from an empty folder and logged where it listens', () => {
    expect(service.lines.find((l) => l.msg === 'listening')).toMatchObject({ level: 'info', port: service.port });
  });
});

describe('over HTTP', () => {
  test('/health: its documented fields, the memory block and X-Memory-Usage-MB', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'healthy', mode: 'production-optimized', whatsapp_ready: false });
    expect(body.memory_mb).toBeGreaterThan(0);
    expect(Date.parse(body.timestamp as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.memory).toMatchObject({ limit_mb: 300, browsers_mb: 0 });
    expect(res.headers.get('x-memory-usage-mb')).toMatch(/^\d+$/);
  });

  test('the key is required elsewhere', async () => {
    expect((await fetch(`${base}/api/server/version`)).status).toBe(401);
    expect((await fetch(`${base}/api/server/version`, { headers: { 'x-api-key': KEY } })).status).toBe(200);
  });

  test('/docs/json: OpenAPI 3 listing every route, each with summary, tag and responses', async () => {
    const spec = (await (await fetch(`${base}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; tags?: string[]; responses?: object }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(spec.openapi).toStartWith('3.');
    const listed = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    operationCount = listed.length;
    // The core routes at least; that the document lists every route of the full app is checked
    // in-process by test/docs.test.ts, where the app can be built with every module.
    using core = buildTestApp();
    expect(listed).toEqual(expect.arrayContaining(documentedRoutes(core.app.routes)));
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, `${where} has no summary`).toBeString();
        expect(op.tags?.length, `${where} has no tag`).toBeGreaterThan(0);
        expect(Object.keys(op.responses ?? {}).length, `${where} has no responses`).toBeGreaterThan(0);
      }
    }
    expect(spec.components.securitySchemes.api_key).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
  });

  test('/docs renders in headless Chromium with no request to any other host; Authorize works', async () => {
    const profile = join(dir, 'chromium');
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: join(profile, 'user-data'),
      args: OFFLINE_FLAGS,
      env: {
        ...process.env,
        [MARK.split('=')[0]!]: MARK.split('=')[1]!,
        HOME: profile,
        XDG_CONFIG_HOME: join(profile, 'config'),
        XDG_CACHE_HOME: join(profile, 'cache'),
      },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const page = await browser.newPage();
    const requested: string[] = [];
    // Both puppeteer's view and the raw DevTools events, so a request puppeteer filters is still seen.
    page.on('request', (r) => requested.push(r.url()));
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => requested.push(e.request.url));

    await page.goto(`${base}/docs`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 15_000 });
    const operations = await page.$$eval('.swagger-ui .opblock', (els) => els.length);
    expect(operations).toBe(operationCount);
    expect(await page.$('.swagger-ui .btn.authorize')).not.toBeNull();

    // Authorize with the key, then "Try it out" on a route that needs it.
    await page.click('.swagger-ui .btn.authorize');
    await page.type('.swagger-ui .modal-ux input[type=text], .swagger-ui .modal-ux input:not([type])', KEY);
    await page.click('.swagger-ui .modal-ux .auth-btn-wrapper button.authorize');
    await page.click('.swagger-ui .modal-ux .btn-done');
    await page.click('.swagger-ui .opblock-get [data-path="/api/server/version"]');
    await page.click('.swagger-ui .opblock.is-open .try-out__btn');
    await page.click('.swagger-ui .opblock.is-open .btn.execute');
    const status = await page.waitForFunction(
      () =>
        document
          .querySelector('.swagger-ui .opblock.is-open .live-responses-table tr.response td.response-col_status')
          ?.textContent?.trim(),
      { timeout: 10_000 },
    );
    expect(await status.jsonValue()).toBe('200');

    const foreign = requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);

    // The browser process carries the mark (full chromium's crashpad handlers too; Chromium's other
    // processes overwrite their environment with their title).
    expect(livingWithEnv(MARK).length).toBeGreaterThan(0);
    await browser.close();
    browser = undefined;
    // Every Chromium process is gone (zombies re-parented to a PID 1 that does not reap are dead).
    await allGone(MARK);
  }, 60_000);

  test('SIGTERM stops it with exit code 0', async () => {
    service.kill('SIGTERM');
    expect(await service.proc.exited).toBe(0);
    expect(service.lines.map((l) => l.msg)).toContain('stopped');
  });
});
