/**
 * The Dockerfile, built unchanged with podman and run the way docker-compose.yml runs it (its
 * mem_limit, cpus, environment, port, data volume, stop grace period): the real executable and the
 * real Chromium inside the container, the WhatsApp Web simulator mounted as the web-version cache.
 * For each browser the image ships (first the one the service finds by itself, then each other one
 * asked for with PUPPETEER_EXECUTABLE_PATH): pairs a
 * session, sends a text and receives the echo as a webhook, reads the cgroup limit the service
 * sees, passes the image's HEALTHCHECK, stops with SIGTERM and leaves nothing running.
 *
 * Where podman cannot run containers (not root, podman missing, no memory cgroup…) the reason is
 * printed and the tests are skipped. The first run prepares base images under /var/tmp/wabun-container
 * (podman.ts); later runs reuse them and podman's build cache. docs/container.md.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_CANDIDATES } from '../../../src/os/chromium';
import { DEFAULT_ME, DEFAULT_WEB_VERSION, simContactId, simLid, writeSimPage } from '../../sim/index';
import { SimControlServer } from '../../sim/server';
import { aptPackages, envOf, parseDockerfile, stepsOf } from '../../support/deploy-files';
import { Receiver } from '../../support/webhooks';
import { allowControlInVolume, browserArgs, ControlForwarder } from './control-access';
import { type BuiltImage, buildImage, podman, prepareBuildBase, prepareRuntime, REPO, readableDir } from './podman';
import { Container, composeRunArgs, composeService, type RunPlan } from './run';

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
const say = (s: string) => console.log(`container test: ${s}`);

const skipped = await prepareRuntime(say);
if (skipped) say(`skipped: ${skipped}`);

const KEY = `container-test-${crypto.randomUUID()}`;
const S = 'box';
const PEER = simContactId(2);
const SIM_DIR = '/wabun-sim';
const [, runStage] = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const compose = composeService();
/** Generous failure deadlines: two shared cores, the container capped at compose's cpus. */
const LONG = 180_000;

/** Debian's packages and the binary each installs. */
const BINARIES: Record<string, string> = {
  chromium: '/usr/lib/chromium/chromium',
  'chromium-headless-shell': '/usr/lib/chromium/chromium-headless-shell',
};
const shipped = aptPackages(runStage!).flatMap((p) => (BINARIES[p] ? [BINARIES[p]] : []));
/** What the service runs when the image names no browser: the first candidate of its discovery it ships. */
const imageBrowser = envOf(runStage!).PUPPETEER_EXECUTABLE_PATH ?? CHROMIUM_CANDIDATES.find((c) => shipped.includes(c))!;
/** [how it is chosen, the binary, whether PUPPETEER_EXECUTABLE_PATH names it] */
const BROWSERS: [string, string, boolean][] = [
  ['found by the service', imageBrowser, !!envOf(runStage!).PUPPETEER_EXECUTABLE_PATH],
  ...shipped.filter((b) => b !== imageBrowser).map((b): [string, string, boolean] => ['PUPPETEER_EXECUTABLE_PATH', b, true]),
];

let work = '';
let image: BuiltImage;
let gateway = '';

describe.skipIf(!!skipped)('the image built from the Dockerfile', () => {
  beforeAll(async () => {
    work = readableDir(mkdtempSync(join(tmpdir(), 'wabun-container-')));
    await prepareBuildBase(say);
    say(`base images ready (${elapsed()})`);
    image = await buildImage('localhost/wabun:container-test');
    say(
      `image built in ${(image.ms / 1000).toFixed(0)} s (${image.cached} of ${image.steps} steps from cache), ${(image.bytes / 1e6).toFixed(0)} MB`,
    );
    // The container is on podman's bridge network, as compose's service is on its default one,
    // and reaches the host at the bridge's gateway: the control server and the webhook receiver
    // listen there (port 0).
    gateway = (await podman(['network', 'inspect', 'podman', '--format', '{{range .Subnets}}{{.Gateway}}{{end}}'])).stdout.trim();
  }, 40 * 60_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    say(`done in ${elapsed()}`);
  });

  test("is the Dockerfile's run stage: user, entrypoint, command, environment, volume, health check", async () => {
    const [inspected] = JSON.parse((await podman(['image', 'inspect', image.id])).stdout);
    const config = inspected.Config;
    expect(config.User).toBe(stepsOf(runStage!, 'USER')[0]);
    expect(config.Entrypoint).toEqual(JSON.parse(stepsOf(runStage!, 'ENTRYPOINT')[0]!));
    expect(config.Cmd).toEqual(JSON.parse(stepsOf(runStage!, 'CMD')[0]!));
    expect(config.StopSignal).toBe(stepsOf(runStage!, 'STOPSIGNAL')[0]);
    expect(Object.keys(config.Volumes ?? {})).toEqual(stepsOf(runStage!, 'VOLUME'));
    for (const [k, v] of Object.entries(envOf(runStage!))) expect(config.Env).toContain(`${k}=${v}`);
    // Docker's image format keeps HEALTHCHECK (podman's own OCI format drops it).
    expect(inspected.Healthcheck?.Test?.join(' ')).toContain('/health');
  });

  describe.each(BROWSERS)('run as docker-compose.yml runs it, the browser %s: %s', (_how, browser, asked) => {
    const runId = `wabun-test-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
    let plan: RunPlan;
    let box: Container | undefined;
    let base = '';
    let sim: SimControlServer | undefined;
    let receiver: Receiver | undefined;
    let forwarder: ControlForwarder | undefined;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(base + path, {
        method,
        headers: { 'x-api-key': KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    beforeAll(async () => {
      sim = SimControlServer.start({ hostname: gateway });
      receiver = new Receiver(undefined, 0, gateway);
      const cache = readableDir(join(work, `cache-${runId}`));
      plan = composeRunArgs(compose.svc, compose.volumes, runId, { WAHA_API_KEY: KEY });
      box = await Container.start(image.id, [
        ...plan.args,
        ...['--label', `wabun.test=${runId}`, '-v', `${cache}:${SIM_DIR}:ro`],
        ...[
          '-e',
          'WAHA_WEBJS_CACHE_TYPE=local',
          '-e',
          `WAHA_WEBJS_CACHE_PATH=${SIM_DIR}`,
          '-e',
          `WAHA_WEBJS_WEB_VERSION=${DEFAULT_WEB_VERSION}`,
        ],
        // The browser, named only when it is not the one the service finds; flags where the profile's grant is ignored (control-access.ts).
        ...browserArgs(browser, asked),
      ]);
      await box.line((l) => l.msg === 'listening', LONG, '"listening" line');
      await box.locateCgroup();
      base = await box.url(plan.ports[0]!);
      // The page reaches the control server through a forwarder on the container's loopback; it is
      // read when the session starts, so it is written once the forwarder's port is known.
      forwarder = await ControlForwarder.start(box, sim.url);
      writeSimPage(cache, { controlUrl: forwarder.url, version: DEFAULT_WEB_VERSION });
      say(`${browser}: container ${box.id.slice(0, 12)} listening at ${base} (${elapsed()})`);
    }, LONG);

    afterAll(async () => {
      await forwarder?.stop();
      await box?.remove();
      for (const v of Object.values(plan?.volumes ?? {})) await podman(['volume', 'rm', '-f', v], { check: false });
      await sim?.stop();
      await receiver?.stop();
    });

    test('runs as the non-root user under tini; its HEALTHCHECK passes', async () => {
      const pid = await box!.inspect<number>('.State.Pid');
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]).toBe('tini');
      const uid = (p: number) => /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      const wabun = box!.processes().find((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').startsWith('wabun'))!;
      expect(wabun).toBeGreaterThan(0);
      expect(uid(wabun)).toBe((await podman(['exec', box!.id, 'id', '-u', 'wabun'])).stdout.trim());
      expect(uid(wabun)).not.toBe('0');
      // Without systemd podman does not schedule health checks; `healthcheck run` runs the image's once.
      const health = await podman(['healthcheck', 'run', box!.id], { check: false });
      expect(health.stderr.replace(/^.*systemd.*$/gm, '').trim()).toBe('');
      expect(health.code).toBe(0);
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'healthy',
        memory: { limit_mb: Number(compose.svc.environment?.MEMORY_THRESHOLD_MB) },
      });
    });

    test('the service runs the browser expected, and says so in /api/server/version and its start-up log', async () => {
      expect(((await (await api('GET', '/api/server/version')).json()) as { browser: string }).browser).toBe(browser);
      expect(await box!.line((l) => l.msg === 'browser', LONG, '"browser" line')).toMatchObject({
        path: browser,
        chosenBy: asked ? 'PUPPETEER_EXECUTABLE_PATH' : 'discovery',
      });
    });

    test("/api/server/memory reports the container's cgroup limit (compose's mem_limit)", async () => {
      const limit = box!.limitBytes();
      expect(limit).toBe(Number.parseInt(compose.svc.mem_limit!, 10) * 1024 * 1024);
      const report = (await (await api('GET', '/api/server/memory')).json()) as { cgroup: { max_mb: number; version: number } };
      expect(report.cgroup).toMatchObject({ max_mb: limit! / 1024 / 1024, version: box!.cgroupVersion });
    });

    test(
      'a session pairs to WORKING, sends a text and receives the echo as a webhook; Chromium runs in the container',
      async () => {
        const created = await api('POST', '/api/sessions', {
          name: S,
          start: false,
          config: { webhooks: [{ url: receiver!.url, events: ['session.status', 'message'] }] },
        });
        expect(created.status).toBe(201);
        const data = (await podman(['volume', 'inspect', '--format', '{{.Mountpoint}}', plan.volumes[compose.volumes[0]!]!])).stdout.trim();
        allowControlInVolume(data, S);
        const loaded = sim!.nextPage(undefined, LONG);
        // Not awaited: it answers once the page has loaded, which under compose's cpus can outlast
        // Bun.serve's default 10 s idle timeout (the connection is reset while the start goes on);
        // the session's own status events say how it went.
        void api('POST', `/api/sessions/${S}/start`).catch(() => {});
        const control = sim!.control((await loaded).profileId);
        const status = (s: string) =>
          receiver!.until(() => receiver!.arrivals.some((a) => a.json.event === 'session.status' && a.json.payload.status === s), s, LONG);
        await status('SCAN_QR_CODE');
        await control.scan();
        await status('WORKING');
        expect(await (await api('GET', `/api/sessions/${S}/me`)).json()).toEqual({
          id: `${DEFAULT_ME.number}@c.us`,
          pushName: DEFAULT_ME.pushName,
          lid: simLid(`${DEFAULT_ME.number}@c.us`),
        });

        const text = `from the container ${crypto.randomUUID()}`;
        const sent = await api('POST', '/api/sendText', { session: S, chatId: PEER, text });
        expect(sent.status).toBe(201);
        const msg = (await sent.json()) as { id: { _serialized: string } };
        expect(await control.waitForOutbox({ id: msg.id._serialized }, LONG)).toMatchObject({ chatId: PEER, type: 'chat', body: text });
        // The peer answers with the same text: the service publishes it as a `message` webhook.
        const echo = `echo: ${text}`;
        await control.receive({ from: PEER, body: echo });
        const isEcho = (a: { json: Record<string, any> }) => a.json.event === 'message' && a.json.payload.body === echo;
        await receiver!.until(() => receiver!.arrivals.some(isEcho), 'the echo', LONG);
        expect(receiver!.arrivals.find(isEcho)!.json).toMatchObject({ session: S, payload: { from: PEER, fromMe: false } });
        // The browser asked for, inside the container's cgroup: its browser process and helpers.
        const chromium = box!.processes().filter((p) => readFileSync(`/proc/${p}/cmdline`, 'latin1').startsWith(browser));
        expect(chromium.length).toBeGreaterThan(1);
      },
      10 * 60_000,
    );

    test(
      'SIGTERM (podman stop): exit code 0 within the grace period, no OOM kill, nothing left running',
      async () => {
        expect(box!.processes().length).toBeGreaterThan(0);
        // Read while it runs: the cgroup goes with the container.
        expect(box!.oomKills()).toBe(0);
        const t = performance.now();
        // podman sends the image's STOPSIGNAL and SIGKILLs after compose's stop_grace_period; wabun
        // itself gives up with exit 1 after DESTROY_TIMEOUT_MS + 1 s. Exit 0 means neither happened.
        await podman(['stop', '-t', String(Math.ceil(plan.graceSeconds)), box!.id]);
        say(`${browser}: stopped in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        expect(await box!.inspect<{ ExitCode: number; OOMKilled: boolean; Status: string }>('.State')).toMatchObject({
          Status: 'exited',
          ExitCode: 0,
          OOMKilled: false,
        });
        expect(box!.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
        expect(box!.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM' });
        await box!.unfollow();
        expect(box!.processes()).toEqual([]);
        // conmon writes the exit code and then leaves; podman stop may return before it has.
        await box!.until(() => box!.processesNamingIt().length === 0, 'conmon gone', 10_000);
      },
      LONG,
    );
  });
});
