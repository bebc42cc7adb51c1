/**
 * Sessions at their limits, with the real engine in real Chromium: 50 start/stop cycles leave
 * nothing behind; a Chromium that cannot start ends FAILED with its reason while the service
 * stays up; no Chromium at all stops start-up with the install hint.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose } from '../../src/compose';
import { MissingDependencyError } from '../../src/errors';
import type { RunningService } from '../support/service';
import { reach } from '../support/waits';
import { E2eWorld, hasSingletonLock, http, openFds, processesOf } from '../support/world';

let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
});
afterAll(async () => {
  await world.dispose();
});

/** A "Chromium" that cannot start: a script that notes each launch in `launches` and exits 1. */
function brokenChromium(): { path: string; launches: () => number } {
  const path = join(world.root, 'broken-chromium.sh');
  const log = join(world.root, 'launches');
  writeFileSync(log, '');
  // `--version` (asked once at start-up for /api/server/version) is not a launch.
  writeFileSync(path, `#!/bin/sh\n[ "$1" = --version ] && exit 1\necho launch >> '${log}'\necho "cannot start" >&2\nexit 1\n`);
  chmodSync(path, 0o755);
  return { path, launches: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
}

describe('limits, in real Chromium', () => {
  // 50 cycles as two sessions of 25 side by side: on two cores that halves the wall time, and
  // leaks per cycle (processes, locks, descriptors) add up the same.
  test('50 start/stop cycles leave no process, no SingletonLock and no more open files', async () => {
    const names = ['cycles-a', 'cycles-b'];
    for (const name of names) await svc.sessions.create({ name, start: false });
    const cycles = (name: string, n: number) =>
      (async () => {
        for (let i = 0; i < n; i++) {
          await svc.sessions.start(name);
          await svc.sessions.stop(name);
        }
      })();
    await Promise.all(names.map((name) => cycles(name, 2))); // warm-up: modules loaded, sockets pooled
    const fds = openFds();
    await Promise.all(names.map((name) => cycles(name, 25)));
    for (const name of names) {
      const dir = world.sessionDir(name);
      expect(processesOf(dir)).toEqual([]);
      expect(hasSingletonLock(dir)).toBe(false);
      expect(svc.sessions.get(name).status).toBe('STOPPED');
    }
    expect(openFds()).toBeLessThanOrEqual(fds + 2);
  }, 120_000);

  test('a Chromium that exits 1: FAILED with the reason after 1 + MAX_RECONNECT_ATTEMPTS launches; the service stays up', async () => {
    const broken = brokenChromium();
    const bad = await world.start({
      PUPPETEER_EXECUTABLE_PATH: broken.path,
      MAX_RECONNECT_ATTEMPTS: '2',
      INITIAL_RECONNECT_DELAY: '50',
      EXIT_ON_ALL_SESSIONS_FAILED: 'true',
      WAHA_LOCAL_STORE_BASE_DIR: join(world.root, 'broken'),
    });
    await http(bad, 'POST', '/api/sessions', { name: 'doomed' });
    await reach(bad.sessions, 'doomed', 'FAILED', 20_000);
    expect(broken.launches()).toBe(3);
    const info = await (await http(bad, 'GET', '/api/sessions/doomed')).json();
    expect(info.status).toBe('FAILED');
    expect(info.reason).toContain('gave up after 2 reconnect attempts');
    // EXIT_ON_ALL_SESSIONS_FAILED asks for the exit; in-process the test keeps running.
    expect(bad.exits).toEqual([{ code: 1, reason: 'every session FAILED (EXIT_ON_ALL_SESSIONS_FAILED=true)' }]);
    expect((await http(bad, 'GET', '/ping')).status).toBe(200);
    expect((await http(svc, 'GET', '/health')).status).toBe(200);
  }, 30_000);

  test('EXIT_ON_ALL_SESSIONS_FAILED=true: the process exits 1 once its last session FAILED', async () => {
    const proc = Bun.spawn(['bun', 'src/index.ts'], {
      env: {
        ...process.env,
        PUPPETEER_EXECUTABLE_PATH: brokenChromium().path,
        EXIT_ON_ALL_SESSIONS_FAILED: 'true',
        WHATSAPP_START_SESSION: 'only',
        MAX_RECONNECT_ATTEMPTS: '0',
        WAHA_NO_API_KEY: 'true',
        PORT: '0',
        WAHA_LOCAL_STORE_BASE_DIR: join(world.root, 'exit'),
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(await proc.exited).toBe(1);
    expect(await new Response(proc.stdout).text()).toContain('every session FAILED');
  }, 30_000);

  test('no Chromium: start-up fails with the install command (in-process and as an exit code)', async () => {
    const missing = world.config({ PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' });
    expect(compose(missing, { exit: () => {} })).rejects.toBeInstanceOf(MissingDependencyError);
    const proc = Bun.spawn(['bun', 'src/index.ts'], {
      env: {
        ...process.env,
        PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium',
        WAHA_NO_API_KEY: 'true',
        PORT: '0',
        WAHA_LOCAL_STORE_BASE_DIR: join(world.root, 'none'),
      },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    expect(await proc.exited).not.toBe(0);
    expect(await new Response(proc.stderr).text()).toContain('apt-get install -y chromium-headless-shell chromium');
  }, 30_000);
});
