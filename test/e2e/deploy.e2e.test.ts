/**
 * The deployment files, checked and — where this machine can — replayed: the Dockerfile's build
 * stage runs here step by step, its run stage's start, HEALTHCHECK and STOPSIGNAL are exercised
 * on the result, and the systemd unit is verified and its environment replayed. Docker itself
 * cannot run here; running from an empty folder is binary.test.ts's job.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, chownSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureBuilt } from '../../scripts/build';
import { VARIABLES } from '../../src/config';
import { findChromium } from '../../src/os/chromium';
import { aptPackages, envOf, parseDockerfile, parseEnvLines, parseUnit, seconds, stepsOf } from '../support/deploy-files';
import { startProcess } from '../support/process';
import { composeSeconds } from './container/run';

const ROOT = join(import.meta.dir, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const [buildStage, runStage, ...extra] = parseDockerfile(read('Dockerfile'));
const unit = parseUnit(read('deploy/wabun.service'));
const service = unit.Service ?? {};
const one = (key: string) => service[key]?.at(-1);
const KNOWN = new Set<string>(VARIABLES.flatMap((v) => [...v.names]));

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wabun-deploy-'));
  chmodSync(work, 0o755); // the run stage's replay runs as an unprivileged user
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Dockerfile', () => {
  test('two stages: Bun 1.4.4 builds, Debian bookworm slim runs', () => {
    expect(extra).toEqual([]);
    expect(buildStage!.name).toBe('build');
    expect(stepsOf(buildStage!, 'RUN').some((r) => r.includes('bun@1.4.4')) || buildStage!.from === 'oven/bun:1.4.4').toBe(true);
    expect(runStage!.from).toBe('debian:bookworm-slim');
  });

  test('the build stage installs from the lockfile and runs `bun run build`', () => {
    const runs = stepsOf(buildStage!, 'RUN');
    expect(runs).toContain('bun install --frozen-lockfile --production');
    expect(runs.at(-1)).toBe('bun run build');
  });

  test('the run stage: Chromium, tini, a non-root user, /data, the health check, tini as PID 1', () => {
    expect(aptPackages(runStage!)).toEqual(expect.arrayContaining(['chromium', 'chromium-headless-shell', 'tini', 'ca-certificates']));
    expect(stepsOf(runStage!, 'COPY')).toEqual(['--from=build /src/dist/wabun /usr/local/bin/wabun']);
    const user = stepsOf(runStage!, 'USER');
    expect(user).toEqual(['wabun']);
    expect(envOf(runStage!)).toMatchObject({ WAHA_LOCAL_STORE_BASE_DIR: '/data' });
    // No browser named: the service's discovery finds the headless shell first (src/os/chromium.ts).
    expect(envOf(runStage!).PUPPETEER_EXECUTABLE_PATH).toBeUndefined();
    for (const name of Object.keys(envOf(runStage!))) expect(KNOWN.has(name) || name === 'HOME', `unknown variable ${name}`).toBe(true);
    expect(stepsOf(runStage!, 'VOLUME')).toEqual(['/data']);
    expect(stepsOf(runStage!, 'HEALTHCHECK')[0]).toMatch(/CMD .*\/health/);
    expect(stepsOf(runStage!, 'ENTRYPOINT')).toEqual(['["tini", "--"]']);
    expect(stepsOf(runStage!, 'CMD')).toEqual(['["wabun"]']);
  });

  test.skipIf(!Bun.which('apt-cache'))('its Debian packages exist in bookworm', () => {
    const r = Bun.spawnSync(['apt-cache', 'show', '--no-all-versions', ...aptPackages(runStage!)], { stderr: 'pipe' });
    expect(r.stderr.toString()).toBe('');
    expect(r.exitCode).toBe(0);
  });

  test('.dockerignore keeps node_modules, dist and session data out of the context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.sessions']));
  });
});

describe('Dockerfile replayed on this machine', () => {
  const at = (abs: string) => join(work, abs);
  let exe = '';

  beforeAll(() => {
    let cwd = work;
    for (const { op, args } of buildStage!.steps) {
      if (op === 'WORKDIR') mkdirSync((cwd = at(args)), { recursive: true });
      if (op === 'COPY') {
        const words = args.split(' ');
        const target = words.pop()!;
        const dest = join(cwd, target);
        // Docker's rule: several sources, or a target ending in '/', means "into this folder".
        const into = words.length > 1 || target.endsWith('/');
        for (const src of words) cpSync(join(ROOT, src), into ? join(dest, basename(src)) : dest, { recursive: true });
      }
      if (op !== 'RUN') continue;
      const bun = /npm install -g .*bun@(\S+)/.exec(args);
      if (bun) {
        expect(Bun.version).toBe(bun[1]!); // installed by run.sh the same way
        continue;
      }
      const r = Bun.spawnSync(['sh', '-c', args], { cwd, env: process.env, stdout: 'pipe', stderr: 'pipe' });
      if (r.exitCode !== 0) throw new Error(`RUN ${args} failed:\n${r.stdout}\n${r.stderr}`);
    }
    const [from, to] = stepsOf(runStage!, 'COPY')[0]!.replace('--from=build ', '').split(' ');
    mkdirSync(at('/run/usr/local/bin'), { recursive: true });
    copyFileSync(at(from!), (exe = join(at('/run'), to!)));
    chmodSync(exe, 0o755);
  }, 120_000);

  test('the run stage starts it with its ENV, as its USER kind, and its HEALTHCHECK passes', async () => {
    const env = envOf(runStage!);
    const data = at(`/run${env.WAHA_LOCAL_STORE_BASE_DIR}`);
    const home = at(`/run${env.HOME}`);
    for (const d of [data, home]) mkdirSync(d, { recursive: true });
    for (const d of ['/run', '/run/usr', '/run/usr/local', '/run/usr/local/bin', '/run/home']) chmodSync(at(d), 0o755);
    // Not root, as USER wabun: nobody, when this test may switch users.
    const asNobody = process.getuid?.() === 0 && !!Bun.which('setpriv');
    if (asNobody) for (const d of [data, home]) chownSync(d, 65534, 65534);
    const tini = Bun.which('tini');
    const cmd = [...(asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : []), ...(tini ? [tini, '--'] : []), exe];
    const started = await startProcess(cmd, {
      cwd: home,
      env: {
        ...env,
        PATH: `${at('/run/usr/local/bin')}:/usr/bin:/bin`,
        PORT: '0',
        HOME: home,
        WAHA_LOCAL_STORE_BASE_DIR: data,
        WAHA_API_KEY: 'k',
      },
    });
    try {
      const check = stepsOf(runStage!, 'HEALTHCHECK')[0]!.replace(/^.*?CMD /, '');
      const health = Bun.spawnSync(['sh', '-c', check], { env: { PATH: '/usr/bin:/bin', PORT: String(started.port) }, stderr: 'pipe' });
      expect(health.stderr.toString()).toBe('');
      expect(health.exitCode).toBe(0);
      // With no browser named, the one discovery prefers (the headless shell, where installed).
      const version = await fetch(`http://127.0.0.1:${started.port}/api/server/version`, { headers: { 'x-api-key': 'k' } });
      expect(((await version.json()) as { browser: string }).browser).toBe(findChromium(''));
      started.kill(stepsOf(runStage!, 'STOPSIGNAL')[0] as NodeJS.Signals);
      expect(await started.proc.exited).toBe(0);
    } finally {
      started.kill('SIGKILL');
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = Bun.YAML.parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      { mem_limit: string; cpus: string; environment: Record<string, string>; volumes: string[]; build: string; stop_grace_period: string }
    >;
  };
  const svc = compose.services.wabun!;

  test("the 300 MB / 0.5 CPU limits, the data volume, built from this Dockerfile, the image's own health check", () => {
    expect(svc).toMatchObject({ mem_limit: '300m', cpus: '0.5', build: '.' });
    expect(svc.volumes).toContain('wabun-data:/data');
    // No healthcheck: of its own, so the image's HEALTHCHECK is the one that runs.
    expect(svc).not.toHaveProperty('healthcheck');
  });

  test('the stop grace period outlasts the time wabun gives itself to stop (DESTROY_TIMEOUT_MS + 1 s)', () => {
    const destroyMs = Number(svc.environment.DESTROY_TIMEOUT_MS ?? VARIABLES.find((v) => v.names[0] === 'DESTROY_TIMEOUT_MS')!.default);
    expect(composeSeconds(svc.stop_grace_period)).toBeGreaterThan(destroyMs / 1000 + 1);
  });

  test('every environment name is a variable wabun reads; the key must be given', () => {
    for (const name of Object.keys(svc.environment)) expect(KNOWN.has(name), `unknown variable ${name}`).toBe(true);
    expect(svc.environment.WAHA_API_KEY).toStartWith('${WAHA_API_KEY:?');
    expect(svc.environment.ENABLE_REAL_WHATSAPP).toBe('true');
  });
});

describe('systemd unit', () => {
  test('a dedicated user, the env file, restarted after any exit (POST /api/server/stop exits 0), Chromium stopped with it, a memory cap', () => {
    expect(one('User')).toBe('wabun');
    expect(service.EnvironmentFile).toEqual(['/etc/wabun.env']);
    expect(one('Restart')).toBe('always');
    expect(['mixed', 'control-group']).toContain(one('KillMode')!);
    expect(one('MemoryMax')).toMatch(/^\d+[MG]$/);
    // wabun's own budget: DESTROY_TIMEOUT_MS (5 s) + 1 s before it gives up itself.
    expect(seconds(one('TimeoutStopSec')!)).toBeGreaterThan(6);
    expect(unit.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  test.skipIf(!Bun.which('systemd-analyze'))('`systemd-analyze verify` finds nothing to say', async () => {
    mkdirSync(join(work, 'unit'), { recursive: true });
    const copy = join(work, 'unit', 'wabun.service');
    // ExecStart must exist for verify; any executable stands in for the installed binary.
    await Bun.write(copy, read('deploy/wabun.service').replace(/^ExecStart=.*$/m, `ExecStart=${process.execPath}`));
    const r = Bun.spawnSync(['systemd-analyze', 'verify', copy], { stdout: 'pipe', stderr: 'pipe' });
    expect(r.stderr.toString()).toBe('');
    expect(r.exitCode).toBe(0);
  });

  test('started as the unit starts it (Environment=, then the env file), KillSignal stops it with exit code 0', async () => {
    // The same values, with /var/lib/wabun moved into a temp folder and PORT=0 (tests never use fixed ports).
    const state = join(work, 'var-lib-wabun');
    mkdirSync(state, { recursive: true });
    const env = { ...parseEnvLines(service.Environment ?? []), ...parseEnvLines(read('deploy/wabun.env.example').split('\n')) };
    for (const k of Object.keys(env)) expect(KNOWN.has(k) || k === 'HOME', `unknown variable ${k}`).toBe(true);
    for (const [k, v] of Object.entries(env)) env[k] = v.replace('/var/lib/wabun', state);
    const { outfile } = await ensureBuilt();
    const started = await startProcess([outfile], { cwd: state, env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: '0' } });
    try {
      expect((await fetch(`http://127.0.0.1:${started.port}/health`)).status).toBe(200);
      // How long the stop takes is the benchmarks' business; the unit's TimeoutStopSec leaves it
      // wabun's own budget (checked above).
      started.kill(one('KillSignal') as NodeJS.Signals);
      expect(await started.proc.exited).toBe(0);
    } finally {
      started.kill('SIGKILL');
    }
  }, 180_000); // the first test to need the executable may build it
});
