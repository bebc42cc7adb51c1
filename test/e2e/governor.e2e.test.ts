/**
 * The memory governor over a real session: SessionManager → whatsapp-web.js → real Chromium →
 * the WhatsApp Web simulator. With MEMORY_THRESHOLD_MB set so the session sits at ~140 %, four
 * rounds step cleanup → warning → aggressive → recycle, each logged with before/after, and the
 * recycled session comes back WORKING with no QR (its Chromium profile kept the login).
 * Rounds are driven by `tick()`, not the timer; the recycle waits for the session's status event.
 * `E2E_PRINT=1` prints the steady state and the governor's log lines.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, parseConfig } from '../../src/config';
import type { Engine } from '../../src/engine/types';
import { createWebjsEngine } from '../../src/engine/webjs';
import { EventBus } from '../../src/events/bus';
import { Logger } from '../../src/log';
import { createMemory, type SessionMemoryView } from '../../src/memory';
import { MemorySampler } from '../../src/memory/sampler';
import { SessionManager } from '../../src/modules/sessions/service';
import { Store } from '../../src/store';
import { CHROMIUM, processesUnder } from '../sim/harness';
import { SMALL_ACCOUNT, writeSimPage } from '../sim/index';

const root = mkdtempSync(join(tmpdir(), 'wabun-governor-e2e-'));
const lines: Record<string, unknown>[] = [];
const log = new Logger({ level: 'debug', format: 'JSON', write: (l) => lines.push(JSON.parse(l)) });
const engines: Engine[] = [];
const statuses: string[] = [];
let config: Config;
let store: Store;
let manager: SessionManager;

const dataDir = (session: string) => join(config.WAHA_LOCAL_STORE_BASE_DIR, 'sessions', session);
function view(): SessionMemoryView[] {
  return manager.browsers().map(({ session, pid }) => {
    let page: Engine | null = null;
    try {
      page = manager.working(session);
    } catch {
      /* not WORKING */
    }
    return { session, pid, dataDir: dataDir(session), page, memoryLimitMb: null };
  });
}

beforeAll(async () => {
  const sim = writeSimPage(join(root, 'cache'), { autoScan: true, account: SMALL_ACCOUNT });
  config = parseConfig({
    WAHA_API_KEY: 'e2e',
    WAHA_LOCAL_STORE_BASE_DIR: join(root, 'data'),
    PUPPETEER_EXECUTABLE_PATH: CHROMIUM,
    WAHA_WEBJS_CACHE_TYPE: 'local',
    WAHA_WEBJS_CACHE_PATH: join(root, 'cache'),
    WAHA_WEBJS_WEB_VERSION: sim.version,
  });
  store = Store.open(config.WAHA_LOCAL_STORE_BASE_DIR);
  const bus = new EventBus(log);
  bus.subscribe((e) => {
    if (e.event === 'session.status') statuses.push((e.payload as { status: string }).status);
  });
  manager = new SessionManager({
    config,
    store: store.sessions,
    bus,
    log,
    chromiumPath: CHROMIUM,
    engineFactory: (opts) => {
      const e = createWebjsEngine(opts);
      engines.push(e);
      return e;
    },
  });
  await manager.create({ name: 'default', start: true });
  expect(await manager.waitForStatus('default', ['WORKING', 'FAILED'], 90_000)).toBe('WORKING');
}, 120_000);

afterAll(async () => {
  await manager?.close(5_000);
  store?.close();
  for (const pid of processesUnder(root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  rmSync(root, { recursive: true, force: true });
});

test('cleanup → warning → aggressive → recycle over a real session; it comes back WORKING without a QR', async () => {
  // Steady state of one WORKING session, then a threshold that puts it at ~140 %.
  const probe = await new MemorySampler({
    limitMb: 1_000,
    browsers: () => view().map((v) => ({ session: v.session, pid: v.pid!, dataDir: v.dataDir })),
  }).measure();
  const browser = probe.browsers[0]!;
  expect(browser.processes).toBeGreaterThan(1);
  log.info('e2e steady state', {
    service_private_mb: probe.service.privateMb,
    browser_private_mb: browser.privateMb,
    browser_pss_mb: browser.pssMb,
    total_mb: probe.totalMb,
  });
  const threshold = Math.max(32, Math.floor(probe.totalMb / 1.4));

  const exits: number[] = [];
  statuses.length = 0;
  const memory = createMemory({
    config: { ...config, MEMORY_THRESHOLD_MB: threshold, GC_INTERVAL_MS: 0 },
    log,
    sessions: view,
    recycle: async (name) => {
      await manager.restart(name);
      await manager.waitForStatus(name, ['WORKING', 'SCAN_QR_CODE', 'FAILED'], 90_000);
    },
    exit: (code) => {
      exits.push(code);
    },
    tuning: { cooldownMs: { recycle: 0 } }, // judge right after the recycle
  });
  const firstPid = engines[0]!.browserPid();
  for (let i = 0; i < 4; i++) await memory.governor.tick();

  const actions = memory.governor.recent().reverse();
  expect(actions.map((a) => a.step)).toEqual(['cleanup', 'warning', 'aggressive', 'recycle']);
  expect(actions[3]!.session).toBe('default');
  for (const step of ['cleanup', 'warning', 'aggressive', 'recycle']) {
    const line = lines.find((l) => l.msg === `memory governor: ${step}`)!;
    expect(typeof line.before_mb).toBe('number');
    expect(typeof line.after_mb).toBe('number');
  }
  // The page actions ran in the real page without errors.
  // Cleanup trims too (issue 7's soak): on the simulator's collections, without errors.
  expect(actions[0]!.detail).toEqual({ default: { trim: expect.objectContaining({ available: true, errors: 0 }) } });
  expect((actions[2]!.detail!.default as Record<string, unknown>).errors).toBeUndefined();

  // Recycled: a new browser, and WORKING again without passing through SCAN_QR_CODE.
  expect(manager.get('default').status).toBe('WORKING');
  expect(statuses).not.toContain('SCAN_QR_CODE');
  expect(statuses.at(-1)).toBe('WORKING');
  expect(engines).toHaveLength(2);
  expect(engines[1]!.browserPid()).not.toBe(firstPid);

  // Still at or above 120 % after the recycle: exit(1) for the supervisor; below: nothing.
  const s = await memory.governor.tick();
  if (process.env.E2E_PRINT)
    console.log(
      JSON.stringify(
        lines.filter((l) => /^(memory governor|e2e steady state)/.test(String(l.msg))),
        null,
        1,
      ),
    );
  if (s && s.percent >= 120) expect(exits).toEqual([1]);
  else expect(exits).toEqual([]);
}, 240_000);
