/**
 * The whatsapp-web.js engine in real Chromium: finding Chromium, the process tree and its
 * cleanup, the SingletonLock, and (against the WhatsApp Web simulator, loaded through the real
 * WAHA_WEBJS_CACHE_TYPE=local feature) pairing, messages, restart, crashes and disconnects.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DefaultOptions } from 'whatsapp-web.js';
import type { Engine, EngineEvent, EngineOptions, HistoryQuery, WhatsAppClient } from '../../src/engine/types';
import { createWebjsEngineFactory, type WebVersionCache } from '../../src/engine/webjs';
import { clearStaleLock } from '../../src/engine/webjs/profile';
import { MissingDependencyError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { CHROMIUM_FLAGS, chromiumKind, chromiumVersion, findChromium } from '../../src/os/chromium';
import { killTree, sessionProcesses } from '../../src/os/kill';
import { commandLine, procfs } from '../../src/os/proc';
import { ProcessTable } from '../../src/os/process-table';
import { adoptOrphans } from '../../src/os/reaper';
import type { SimControl } from '../sim/control';
import { allowLoopbackControl, controlFlags, DEFAULT_ME, type SimPageOptions, simContactId, simLid, writeSimPage } from '../sim/index';
import { SimControlServer } from '../sim/server';
import { chromiumPath } from '../support/process';

const CHROMIUM = chromiumPath();
/** Full chromium holds a SingletonLock while it runs; the headless shell takes none (docs/chromium.md). */
const TAKES_LOCK = chromiumKind(CHROMIUM) === 'full';
/** Real Chromium: a launch takes ~0.5 s here, more on a loaded machine. */
const BROWSER_TEST_MS = 60_000;
const ME = { id: `${DEFAULT_ME.number}@c.us`, pushName: DEFAULT_ME.pushName, lid: simLid(`${DEFAULT_ME.number}@c.us`) };
/** The history query's other fields at WAHA's defaults. */
const HISTORY: HistoryQuery = { limit: 10, offset: 0, downloadMedia: false, sortOrder: 'desc', merge: true, filter: {} };

/** Engine events as they come, and a promise for the next one that matches. */
class Events {
  readonly all: EngineEvent[] = [];
  private readonly waiters = new Set<{ match: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }>();
  constructor(engine: Engine) {
    engine.on((e) => {
      this.all.push(e);
      for (const w of this.waiters)
        if (w.match(e)) {
          this.waiters.delete(w);
          w.resolve(e);
        }
    });
  }
  next<T extends EngineEvent['type']>(type: T, match: (e: Extract<EngineEvent, { type: T }>) => boolean = () => true, timeoutMs = 30_000) {
    return new Promise<Extract<EngineEvent, { type: T }>>((resolve, reject) => {
      const w = {
        match: (e: EngineEvent) => e.type === type && match(e as Extract<EngineEvent, { type: T }>),
        resolve: resolve as (e: EngineEvent) => void,
      };
      this.waiters.add(w);
      setTimeout(() => {
        if (this.waiters.delete(w)) reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }
  waEvent(event: string, match: (payload: Record<string, unknown>) => boolean = () => true) {
    return this.next('wa_event', (e) => e.event === event && match(e.payload as Record<string, unknown>));
  }
}

/**
 * One temp root per test: simulator pages (driven over the simulator's loopback control server,
 * as a phone would be), session folders; every engine is stopped afterwards.
 */
class World {
  readonly root = mkdtempSync(join(tmpdir(), 'wabun-engine-'));
  readonly sim = SimControlServer.start();
  readonly engines: Engine[] = [];
  private pages = 0;

  page(opts: SimPageOptions = {}, html?: string): WebVersionCache {
    const path = join(this.root, `cache-${++this.pages}`);
    const version = `2.3000.${this.pages}`;
    if (html === undefined) writeSimPage(path, { ...opts, version, controlUrl: this.sim.url });
    else {
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, `${version}.html`), html);
    }
    return { type: 'local', path, remotePath: '', version };
  }

  engine(webCache: WebVersionCache, over: Partial<EngineOptions> & { initTimeoutMs?: number } = {}) {
    const { initTimeoutMs = 30_000, ...rest } = over;
    const session = over.session ?? 's';
    const dataDir = join(this.root, 'sessions', session);
    const factory = createWebjsEngineFactory({
      chromiumPath: CHROMIUM,
      extraFlags: controlFlags(CHROMIUM),
      webCache,
      initTimeoutMs,
      destroyTimeoutMs: 5000,
    });
    const engine = factory({ session, dataDir, log: silentLogger, ...rest });
    this.engines.push(engine);
    allowLoopbackControl(join(dataDir, 'session'));
    let control: SimControl | null = null;
    const sim = this.sim;
    return {
      engine,
      events: new Events(engine),
      dataDir,
      /** Starts the engine; its page's control is `sim()` afterwards. */
      async start() {
        const hello = sim.nextPage();
        await engine.start();
        control = sim.control((await hello).profileId);
      },
      sim: () => {
        if (!control) throw new Error('start() the engine first');
        return control;
      },
      /** The engine's WhatsApp calls (it must be ready). */
      client: (): WhatsAppClient => {
        const c = engine.client();
        if (!c) throw new Error('the engine is not ready');
        return c;
      },
    };
  }

  async dispose() {
    for (const e of this.engines) await e.stop();
    const left = sessionProcesses(null, `${this.root}/`);
    await this.sim.stop();
    rmSync(this.root, { recursive: true, force: true });
    expect(left).toEqual([]);
  }
}

let world: World;
afterEach(async () => {
  await world?.dispose();
});

/** Processes of a session's folder; its SingletonLock (a symlink, dangling when stale); our zombies. */
const processesOf = (dataDir: string) => sessionProcesses(null, `${dataDir}/`);
const lockOf = (dataDir: string) => lstatSync(join(dataDir, 'session', 'SingletonLock'), { throwIfNoEntry: false }) !== undefined;
const zombies = () => sessionProcesses(process.pid).filter((pid) => procfs.stat(pid)?.state === 'Z');
/**
 * Zombies this test's own actions left: all files share one test process, which is a subreaper once
 * an in-process service ran, so another file's stray orphan is not this engine's doing.
 */
let earlierZombies = new Set<number>();
beforeEach(() => {
  earlierZombies = new Set(zombies());
});
const ourZombies = () => zombies().filter((pid) => !earlierZombies.has(pid));
const readProc = (pid: number) => procfs.stat(pid);

describe('Chromium', () => {
  test('a bogus configured path fails with the install command and the variable to set', () => {
    let err: unknown;
    try {
      findChromium('/nonexistent/chrome');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).message).toContain('/nonexistent/chrome');
    expect((err as MissingDependencyError).hint).toContain('apt-get update && apt-get install -y chromium-headless-shell chromium');
    expect((err as MissingDependencyError).hint).toContain('PUPPETEER_EXECUTABLE_PATH');
  });

  test('found without configuration, with its version; the flag list has no --single-process', () => {
    expect(existsSync(findChromium(''))).toBe(true);
    expect(chromiumVersion(CHROMIUM)).toMatch(/(Chromium|Chrome) \d+\./);
    expect(CHROMIUM_FLAGS).not.toContain('--single-process');
    expect(CHROMIUM_FLAGS.join(' ')).toContain('WebUIOmniboxPopup,WebUIOmniboxAimPopup');
  });
});

describe('process tree', () => {
  test('killTree kills a whole tree and leaves no zombie', async () => {
    adoptOrphans();
    const sh = Bun.spawn(['sh', '-c', 'sleep 1000 & sleep 1000 & echo started; wait'], { stdout: 'pipe' });
    const reader = sh.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('started');
    const tree = ProcessTable.now().descendants([sh.pid]);
    expect(tree).toHaveLength(3);
    expect(await killTree(sh.pid)).toBe(3);
    expect(await sh.exited).toBe(137);
    expect(tree.map(readProc)).toEqual([null, null, null]);
    expect(ourZombies()).toEqual([]);
  });

  test('a SingletonLock is kept while a live process of this profile holds it, removed otherwise', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'wabun-lock-'));
    // `read` is built in: no child to leak. "ready" says the shell runs (its command line names the profile).
    const holder = Bun.spawn(['sh', '-c', 'echo ready; read line', 'sh', profile], { stdin: 'pipe', stdout: 'pipe' });
    await holder.stdout.getReader().read();
    symlinkSync(`${hostname()}-${holder.pid}`, join(profile, 'SingletonLock'));
    expect(clearStaleLock(profile)).toBe(false);
    holder.kill(9);
    await holder.exited;
    symlinkSync('/nonexistent/SingletonSocket', join(profile, 'SingletonSocket'));
    expect(clearStaleLock(profile)).toBe(true);
    expect([
      lstatSync(join(profile, 'SingletonLock'), { throwIfNoEntry: false }),
      lstatSync(join(profile, 'SingletonSocket'), { throwIfNoEntry: false }),
    ]).toEqual([undefined, undefined]);
    rmSync(profile, { recursive: true });
  });
});

describe('browser lifecycle', () => {
  test(
    'launch, then stop: zero processes of the profile, no SingletonLock, no zombie',
    async () => {
      world = new World();
      const { engine, events, dataDir, start } = world.engine(world.page());
      const qr = events.next('qr');
      await start();
      await qr;
      const pid = engine.browserPid()!;
      // The browser (GPU and network service as its threads, no zygotes) and the renderer, at least.
      expect(processesOf(dataDir).length).toBeGreaterThanOrEqual(2);
      expect(processesOf(dataDir)).toContain(pid);
      expect(lockOf(dataDir)).toBe(TAKES_LOCK);
      // The test's browser, with one --disable-features list and one --enable-features list: ours,
      // puppeteer's and the extra flags merged (Chromium reads only the last of each).
      const args = commandLine(pid).split(' ');
      expect(args[0]).toBe(CHROMIUM);
      const lists = args.filter((a) => a.startsWith('--disable-features='));
      expect(lists).toHaveLength(1);
      const enabled = args.filter((a) => a.startsWith('--enable-features='));
      expect(enabled).toHaveLength(1);
      expect(enabled[0]!.split('=')[1]!.split(',')).toContain('NetworkServiceInProcess2');
      const disabled = lists[0]!.split('=')[1]!.split(',');
      expect(disabled).toEqual(
        expect.arrayContaining([
          'WebUIOmniboxPopup',
          'WebUIOmniboxAimPopup',
          'MediaRouter',
          ...controlFlags(CHROMIUM).map((f) => f.split('=')[1]!),
        ]),
      );
      await engine.stop();
      expect({ processes: processesOf(dataDir), lock: lockOf(dataDir), zombies: ourZombies(), pid: engine.browserPid() }).toEqual({
        processes: [],
        lock: false,
        zombies: [],
        pid: null,
      });
      await engine.stop(); // idempotent
    },
    BROWSER_TEST_MS,
  );

  test(
    'a stale SingletonLock naming a dead pid is cleared and the launch works',
    async () => {
      world = new World();
      const { engine, events, dataDir, start } = world.engine(world.page());
      const dead = Bun.spawn(['true']);
      await dead.exited;
      const profile = join(dataDir, 'session');
      mkdirSync(profile, { recursive: true });
      symlinkSync(`${hostname()}-${dead.pid}`, join(profile, 'SingletonLock'));
      symlinkSync('/tmp/org.chromium.Chromium.gone/SingletonSocket', join(profile, 'SingletonSocket'));
      symlinkSync('1234567890', join(profile, 'SingletonCookie'));
      const qr = events.next('qr');
      await start();
      await qr;
      if (TAKES_LOCK) expect(readlinkSync(join(profile, 'SingletonLock'))).toBe(`${hostname()}-${engine.browserPid()}`);
      else expect(lockOf(dataDir)).toBe(false);
      await engine.stop();
      expect(lockOf(dataDir)).toBe(false);
    },
    BROWSER_TEST_MS,
  );

  test(
    'a left-over process of the session (a previous run of ours died) is killed at start',
    async () => {
      world = new World();
      const { events, dataDir, start } = world.engine(world.page());
      mkdirSync(join(dataDir, 'session'), { recursive: true });
      const profileArg = `--user-data-dir=${join(dataDir, 'session')}`; // what a browser of this session has
      const leftover = Bun.spawn(['sh', '-c', 'read line', 'sh', profileArg], { stdin: 'pipe' });
      const bystander = Bun.spawn(['sh', '-c', 'read line', 'sh', join(dataDir, 'session', 'notes.txt')], { stdin: 'pipe' }); // e.g. an editor
      const qr = events.next('qr');
      await start();
      expect(await leftover.exited).toBe(137);
      await qr;
      expect(bystander.exitCode).toBeNull();
      bystander.kill(9);
      await bystander.exited;
    },
    BROWSER_TEST_MS,
  );

  test(
    'a page that never becomes WhatsApp Web: start fails after initTimeoutMs and leaves nothing',
    async () => {
      world = new World();
      const { engine, dataDir } = world.engine(world.page({}, '<!doctype html><title>not WhatsApp</title>'), { initTimeoutMs: 3000 });
      await expect(engine.start()).rejects.toThrow('did not finish within 3000 ms');
      await engine.stop();
      expect({ processes: processesOf(dataDir), lock: lockOf(dataDir) }).toEqual({ processes: [], lock: false });
    },
    BROWSER_TEST_MS,
  );

  test(
    'stop during start: start rejects, nothing is left, and the engine starts again',
    async () => {
      world = new World();
      const { engine, events, dataDir, start } = world.engine(world.page());
      const starting = engine.start();
      await engine.stop();
      await expect(starting).rejects.toThrow('stopped while starting');
      await engine.stop();
      expect(processesOf(dataDir)).toEqual([]);
      const qr = events.next('qr');
      await start();
      await qr;
    },
    BROWSER_TEST_MS,
  );

  test(
    'SIGKILL of the browser → browser_exit; stop then leaves nothing',
    async () => {
      world = new World();
      const { engine, events, dataDir, start } = world.engine(world.page({ autoScan: true }));
      const ready = events.next('ready');
      await start();
      await ready;
      const exit = events.next('browser_exit');
      process.kill(engine.browserPid()!, 'SIGKILL');
      expect((await exit).reason).toContain('SIGKILL');
      await engine.stop();
      expect({ processes: processesOf(dataDir), lock: lockOf(dataDir), zombies: ourZombies() }).toEqual({
        processes: [],
        lock: false,
        zombies: [],
      });
      expect(events.all.filter((e) => e.type === 'browser_exit')).toHaveLength(1);
    },
    BROWSER_TEST_MS,
  );
});

describe('WhatsApp Web (simulator)', () => {
  test(
    'qr → scan → ready with me; sendText lands in the outbox; an incoming message is a wa_event',
    async () => {
      world = new World();
      const { engine, events, start, sim, client } = world.engine(world.page());
      const qr = events.next('qr');
      await start();
      expect((await qr).value.split(',')).toHaveLength(5);
      const authenticated = events.next('authenticated');
      const ready = events.next('ready');
      await sim().scan();
      await authenticated;
      expect((await ready).me).toEqual(ME);
      expect(engine.me()).toEqual(ME);

      const to = simContactId(0);
      const any = events.waEvent('message.any', (p) => p.fromMe === true);
      const sent = await client().messages.sendText(to, 'hello from the engine');
      const id = sent.id as Record<string, unknown>;
      expect({ id, fromMe: sent.fromMe, body: sent.body, from: sent.from, to: sent.to, type: sent.type, hasMedia: sent.hasMedia }).toEqual({
        id: { fromMe: true, remote: to, id: id.id, _serialized: `true_${to}_${id.id}` },
        fromMe: true,
        body: 'hello from the engine',
        from: ME.id,
        to,
        type: 'chat',
        hasMedia: false,
      });
      expect(typeof sent.timestamp).toBe('number');
      expect(typeof sent._data).toBe('object');
      expect(await sim().waitForOutbox({ body: 'hello from the engine' })).toMatchObject({
        id: id._serialized,
        chatId: to,
        type: 'chat',
      });
      expect((await any).payload).toMatchObject({ id: id._serialized, source: 'api', fromMe: true, body: 'hello from the engine' });
      await events.waEvent('message.ack', (p) => p.id === id._serialized && p.ackName === 'READ');

      const incoming = events.waEvent('message');
      const inId = await sim().receive({ from: simContactId(1), body: 'hi from the phone' });
      expect((await incoming).payload).toMatchObject({
        id: inId,
        from: simContactId(1),
        to: ME.id,
        fromMe: false,
        source: 'app',
        body: 'hi from the phone',
        hasMedia: false,
        media: null,
      });
      const history = await client().chats.messages(to, { ...HISTORY, limit: 20, downloadMedia: false });
      expect(history.find((m) => m.id === id._serialized)).toMatchObject({ source: 'api', ackName: 'READ' });
      expect(await engine.screenshot()).toEqual(expect.any(Uint8Array));
    },
    BROWSER_TEST_MS,
  );

  test(
    'what WhatsApp Web sees: the library\'s user agent, no webdriver, no "Headless"; a screenshot of the page as it is drawn',
    async () => {
      world = new World();
      const { engine, events, start, sim } = world.engine(world.page({ autoScan: true }));
      const ready = events.next('ready');
      await start();
      await ready;
      // Both browsers: the page sees whatsapp-web.js's own user agent (set by --user-agent and
      // per page), empty client-hint brands, and navigator.webdriver false. What differs between
      // the headless shell and full chromium is written down in docs/chromium.md.
      const seen = await sim().browser();
      expect(seen.userAgent).toBe(DefaultOptions.userAgent!);
      expect([seen.userAgent, seen.appVersion, ...(seen.brands ?? []), ...(seen.fullVersionList ?? [])].join(' ')).not.toContain(
        'Headless',
      );
      expect(seen).toMatchObject({ brands: [], webdriver: false, serviceWorker: true });
      const png = PNG.sync.read(Buffer.from(await engine.screenshot()));
      expect({ width: png.width, height: png.height }).toEqual({ width: seen.viewport.width, height: seen.viewport.height });
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
      expect(colours.size).toBeGreaterThan(10); // the page, drawn: not a blank frame
    },
    BROWSER_TEST_MS,
  );

  test(
    "a video is decoded and a frame drawn into a canvas, as WhatsApp Web's video preparation needs (the flag list has no software rasterizer)",
    async () => {
      world = new World();
      const { events, start, sim } = world.engine(world.page({ autoScan: true }));
      const ready = events.next('ready');
      await start();
      await ready;
      // One second of ffmpeg's test pattern, 160×120:
      //   ffmpeg -f lavfi -i testsrc=size=160x120:rate=10 -t 1 -c:v libx264 -pix_fmt yuv420p -movflags +faststart video.mp4
      //   ffmpeg -f lavfi -i testsrc=size=160x120:rate=10 -t 1 -c:v libvpx -b:v 100k video.webm
      for (const [file, mimetype] of [
        ['video.mp4', 'video/mp4'],
        ['video.webm', 'video/webm'],
      ] as const) {
        const data = readFileSync(join(import.meta.dir, '..', 'fixtures', file)).toString('base64');
        const frame = await sim().videoFrame({ mimetype, data });
        expect({ file, durationSec: frame.durationSec, width: frame.width, height: frame.height }).toEqual({
          file,
          durationSec: 1,
          width: 160,
          height: 120,
        });
        expect(frame.colours).toBeGreaterThan(100); // the test pattern, not a black frame
        expect(frame.thumbnailBytes).toBeGreaterThan(1000);
      }
    },
    BROWSER_TEST_MS,
  );

  test(
    'media, location, poll, vCard and forward reach WhatsApp Web; reads, reactions and calls map',
    async () => {
      world = new World();
      const { events, start, sim, client } = world.engine(world.page({ autoScan: true }));
      const ready = events.next('ready');
      await start();
      await ready;
      const [to, other] = [simContactId(0), simContactId(1)];
      const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
      const text = await client().messages.sendText(to, 'first', { mentions: [other] });
      const textId = (text.id as { _serialized: string })._serialized;
      await client().messages.sendText(to, 'a reply', { replyTo: textId });
      await client().messages.sendMedia(to, { mimetype: 'image/png', filename: 'dot.png', data: png }, { caption: 'a dot' });
      await client().messages.sendMedia(to, { mimetype: 'audio/ogg; codecs=opus', data: png }, { asVoice: true });
      await client().messages.sendLocation(to, { latitude: 52.5, longitude: 13.4, title: 'Berlin' });
      await client().messages.sendPoll(to, { name: 'Lunch?', options: ['yes', 'no'], multipleAnswers: false });
      await client().messages.sendContactVcard(to, [
        { vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Jane Roe\nTEL;type=CELL;waid=15550109999:+1 555 010 9999\nEND:VCARD' },
      ]);
      const forwarded = await client().messages.forward(other, textId);
      const outbox = await sim().outbox();
      expect(outbox.map((o) => o.type)).toEqual(['chat', 'chat', 'image', 'ptt', 'location', 'poll_creation', 'vcard', 'chat']);
      expect(outbox[1]).toMatchObject({ quotedMsgId: textId });
      expect(outbox[2]).toMatchObject({ caption: 'a dot', media: { mimetype: 'image/png' } });
      expect(outbox[7]).toMatchObject({ chatId: other, isForwarded: true, id: (forwarded.id as { _serialized: string })._serialized });
      const ours = events.all.flatMap((e) => (e.type === 'wa_event' && e.event === 'message.any' ? [e.payload as { source: string }] : []));
      expect(ours.map((p) => p.source)).toEqual(Array(8).fill('api'));

      const reaction = events.waEvent('message.reaction');
      await sim().react(textId, '👍', to);
      expect((await reaction).payload).toMatchObject({ from: to, fromMe: false, reaction: { text: '👍', messageId: textId } });
      const call = events.waEvent('call.received');
      await sim().incomingCall({ from: other, isVideo: true });
      expect((await call).payload).toMatchObject({ from: other, isVideo: true, isGroup: false });

      const chats = await client().chats.list({ sortBy: 'conversationTimestamp', sortOrder: 'desc', limit: 2 });
      expect(chats.map((c) => (c.id as { _serialized: string })._serialized).sort()).toEqual([to, other].sort());
      const history = await client().chats.messages(to, { ...HISTORY, limit: 50, downloadMedia: true });
      expect(history.find((m) => m.body === 'a dot')?.media).toEqual({
        url: `data:image/png;base64,${png}`,
        mimetype: 'image/png',
        filename: 'dot.png',
      });
      expect(await client().contacts.checkNumber(other.replace('@c.us', ''))).toBe(other);
      const groups = await client().groups.list();
      expect(groups.length).toBeGreaterThan(0);
      expect(await client().groups.get(String((groups[0]!.id as { _serialized: string })._serialized))).toMatchObject({
        isGroup: true,
        participants: expect.any(Array),
      });
      await expect(client().messages.react('true_15550100000@c.us_NOPE', '👍')).rejects.toThrow('not found');
    },
    BROWSER_TEST_MS,
  );

  test(
    'a restart with the same data folder is ready without a qr',
    async () => {
      world = new World();
      const webCache = world.page({ autoScan: true });
      const first = world.engine(webCache);
      const ready = first.events.next('ready');
      await first.start();
      await ready;
      await first.engine.stop();

      const again = world.engine(webCache);
      const readyAgain = again.events.next('ready');
      await again.start();
      expect((await readyAgain).me).toEqual(ME);
      expect(again.events.all.filter((e) => e.type === 'qr')).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  test(
    'logout from the phone → disconnected, loggedOut; CONFLICT → disconnected, not loggedOut',
    async () => {
      world = new World();
      const webCache = world.page({ autoScan: true });
      const a = world.engine(webCache, { session: 'a' });
      const b = world.engine(webCache, { session: 'b' });
      const ready = [a.events.next('ready'), b.events.next('ready')];
      await a.start();
      await b.start();
      await Promise.all(ready);

      const loggedOut = a.events.next('disconnected');
      await a.sim().logoutFromPhone();
      expect((await loggedOut).info).toEqual({ reason: 'LOGOUT', loggedOut: true });

      const conflict = b.events.next('disconnected');
      await b.sim().disconnect('CONFLICT');
      expect((await conflict).info).toEqual({ reason: 'CONFLICT', loggedOut: false });
      await b.engine.stop();
      expect(b.events.all.filter((e) => e.type === 'browser_exit' || e.type === 'disconnected')).toHaveLength(1);
    },
    BROWSER_TEST_MS,
  );

  test(
    'logout() unlinks and removes the login: the next start shows a qr',
    async () => {
      world = new World();
      const webCache = world.page();
      const first = world.engine(webCache);
      const qr = first.events.next('qr');
      await first.start();
      await qr;
      const ready = first.events.next('ready');
      await first.sim().scan();
      await ready;
      await first.engine.logout();
      expect(existsSync(join(first.dataDir, 'session'))).toBe(false);
      expect(processesOf(first.dataDir)).toEqual([]);

      const again = world.engine(webCache);
      const qrAgain = again.events.next('qr');
      await again.start();
      await qrAgain;
      expect(again.engine.me()).toBeNull();
    },
    BROWSER_TEST_MS,
  );
});
