/**
 * The sampler on this process and on a real Chromium tree (the tests' browser, test/support/process.ts, through
 * puppeteer-core, offline flags, its own HOME), and the engine's memory relief in that page.
 * The degradation cases (fixture /proc and cgroup roots) are in memory-fixture.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { relieveMemory } from '../../src/engine/webjs/memory';
import { silentLogger } from '../../src/log';
import { createMemory } from '../../src/memory';
import { MemorySampler } from '../../src/memory/sampler';
import { chromiumKind } from '../../src/os/chromium';
import { ProcReader, procfs } from '../../src/os/proc';
import { ProcessTable } from '../../src/os/process-table';
import { chromiumPath, OFFLINE_FLAGS } from '../support/process';

const CHROMIUM = chromiumPath();
const FULL = chromiumKind(CHROMIUM) === 'full';
let dir: string;
let browser: Browser;
let page: Page;
let pid: number;

/** Pids whose command line mentions `needle` (the browser's processes and its crashpad handlers). */
function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map(Number)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(needle);
      } catch {
        return false;
      }
    });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wabun-memory-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: join(dir, 'profile'),
    args: [...OFFLINE_FLAGS],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), XDG_CACHE_HOME: join(dir, '.cache') },
  });
  page = (await browser.pages())[0] ?? (await browser.newPage());
  pid = browser.process()!.pid!;
}, 60_000);

afterAll(async () => {
  const leftovers = dir ? pidsMentioning(dir) : [];
  await Promise.race([browser?.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
  // The crashpad handlers are not children of the browser: end them by pid.
  for (const p of [pid, ...leftovers]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('MemorySampler on a real Chromium tree', () => {
  test('counts the tree with its crashpad handlers: processes > 1, private > 0, PSS ≥ private', async () => {
    const sampler = new MemorySampler({ limitMb: 300, browsers: () => [{ session: 'default', pid, dataDir: dir }] });
    const s = await sampler.measure();
    const b = s.browsers[0]!;
    expect(s.browsers.map((x) => x.session)).toEqual(['default']);
    expect(b.processes).toBeGreaterThan(1);
    expect(b.processes).toBeGreaterThanOrEqual(pidsMentioning(dir).length - 1); // less at most a process that exited meanwhile
    expect(b.privateMb).toBeGreaterThan(0);
    expect(b.pssMb).toBeGreaterThanOrEqual(b.privateMb);
    expect(b.estimated).toBeUndefined();
    expect(s.service.privateMb!).toBeGreaterThan(0);
    expect(s.service.pssMb!).toBeGreaterThanOrEqual(s.service.privateMb!);
    expect(s.service.heapMb).toBeGreaterThan(0);
    expect(Math.abs(s.totalMb - (s.service.privateMb! + b.privateMb))).toBeLessThanOrEqual(0.2);
    expect(s.percent).toBe(Math.round((s.totalMb / 300) * 1000) / 10);
    if (!s.cgroup) expect(s.notes.some((n) => n.startsWith('cgroup:'))).toBe(true);
  });

  // Full chromium starts crashpad handlers, which detach from its tree; the headless shell starts none
  // (docs/chromium.md). The smoke set runs this file on full chromium too (`bun run test:e2e:chromium`).
  test.if(FULL)('crashpad handlers are found by the data folder in their command line, not by parentage', () => {
    const proc = new ProcReader();
    const table = new ProcessTable(proc);
    expect(table.refresh()).toBe(true);
    const crashpad = pidsMentioning(dir).filter((p) => proc.stat(p)?.comm.startsWith('chrome_crashpad'));
    expect(crashpad.length).toBeGreaterThan(0);
    const withDir = table.treeOf(pid, dir);
    expect(withDir.crashpad).toBe(crashpad.length);
    for (const p of crashpad) expect(withDir.pids).toContain(p);
    const withoutDir = table.treeOf(pid, null);
    for (const p of crashpad) expect(withoutDir.pids).not.toContain(p);
    // A sibling folder whose name starts with ours is not ours.
    expect(table.treeOf(pid, dir.slice(0, -1)).crashpad).toBe(0);
  });

  test.if(!FULL)('the headless shell starts no crashpad handler: its tree is all there is', () => {
    const crashpad = pidsMentioning(dir).filter((p) => procfs.stat(p)?.comm.startsWith('chrome_crashpad'));
    expect(crashpad).toEqual([]);
    expect(ProcessTable.now().treeOf(pid, dir).crashpad).toBe(0);
  });

  test("until a process's smaps_rollup is read its figures are marked estimated; the background read replaces them", async () => {
    const sampler = new MemorySampler({ limitMb: 300, browsers: () => [{ session: 'default', pid, dataDir: dir }] });
    const first = sampler.latest().browsers[0]!;
    expect(first.estimated).toBe(first.processes);
    await sampler.settled();
    const next = sampler.sample().browsers[0]!;
    expect(next.estimated).toBeUndefined();
    // Raw RssAnon+RssShmem over-counts what is shared between the processes.
    expect(next.privateMb).toBeLessThanOrEqual(first.privateMb + 5);
  });

  test('createMemory: the sessions view feeds the sampler; a governor round under the limit does nothing', async () => {
    const recycled: string[] = [];
    const memory = createMemory({
      config: {
        MEMORY_THRESHOLD_MB: 100_000,
        MAX_HEAP_SIZE_MB: 100_000,
        GC_INTERVAL_MS: 0,
        MEMORY_SAMPLE_INTERVAL_MS: 5_000,
        MEMORY_GOVERNOR: true,
      },
      log: silentLogger,
      sessions: () => [
        { session: 'default', pid, dataDir: dir, relieve: (level) => relieveMemory(page, level), memoryLimitMb: null },
        { session: 'stopped', pid: null, dataDir: null, relieve: null, memoryLimitMb: null },
      ],
      recycle: async (s) => {
        recycled.push(s);
      },
      exit: () => {
        throw new Error('must not exit');
      },
    });
    const s = await memory.governor.tick();
    expect(s!.browsers.map((b) => b.session)).toEqual(['default']);
    expect(memory.sampler.latest()).toBe(s!);
    expect(memory.governor.recent()).toEqual([]);
    expect(recycled).toEqual([]);
    expect(memory.budgetOf('default')).toBeNull();
  });
});

describe("the engine's memory relief in a real page", () => {
  const actions = {
    cleanupPage: () => relieveMemory(page, 'cleanup', 20),
    aggressivePage: () => relieveMemory(page, 'aggressive', 20),
  };

  test("cleanup on a page without WhatsApp Web's collections: the trim touches nothing, collection and cache drop without errors", async () => {
    expect(await actions.cleanupPage()).toEqual({ trim: { available: false, chats: 0, trimmedChats: 0, removed: 0, errors: 0 } });
  });

  test("aggressive on a page without WhatsApp Web's collections touches nothing", async () => {
    expect(await actions.aggressivePage()).toEqual({ trim: { available: false, chats: 0, trimmedChats: 0, removed: 0, errors: 0 } });
  });

  /** Collections shaped like WhatsApp Web's (getModelsArray/remove), in the page. */
  const installCollections = (as: 'require' | 'Store') =>
    page.evaluate((as) => {
      class Coll {
        constructor(public models: object[]) {}
        getModelsArray() {
          return this.models.slice();
        }
        remove(ms: object | object[]) {
          const out = new Set(([] as object[]).concat(ms));
          this.models = this.models.filter((m) => !out.has(m));
        }
      }
      const msgs = (chat: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ id: { fromMe: false, _serialized: `${chat}_${i + 1}` }, t: i + 1, ack: 2 }));
      const pending = { id: { fromMe: true, _serialized: 'busy_pending' }, t: 0, ack: 0 };
      const busy = { id: 'busy', msgs: new Coll([...msgs('busy', 30), pending]) };
      const open = { id: 'open', active: true, msgs: new Coll(msgs('open', 30)) };
      const quiet = { id: 'quiet', msgs: new Coll(msgs('quiet', 5)) };
      const all = [busy, open, quiet].flatMap((c) => c.msgs.getModelsArray());
      const C = { Chat: new Coll([busy, open, quiet]), Msg: new Coll(all) };
      const w = window as unknown as Record<string, unknown>;
      delete w.require;
      delete w.Store;
      if (as === 'require') w.require = (name: string) => (name === 'WAWebCollections' ? C : undefined);
      else w.Store = C;
      w.__c = C;
    }, as);

  test('cleanup trims too: the trim is cheap and keeps the open chat, the newest 20 and unacknowledged sends', async () => {
    await installCollections('require');
    expect(await actions.cleanupPage()).toEqual({ trim: { available: true, chats: 3, trimmedChats: 1, removed: 10, errors: 0 } });
    expect(await actions.cleanupPage()).toEqual({ trim: { available: true, chats: 3, trimmedChats: 0, removed: 0, errors: 0 } });
  });

  const counts = () =>
    page.evaluate(() => {
      const C = (
        window as unknown as {
          __c: {
            Chat: { getModelsArray(): { id: string; msgs: { getModelsArray(): { id: { _serialized: string } }[] } }[] };
            Msg: { getModelsArray(): unknown[] };
          };
        }
      ).__c;
      const chats = Object.fromEntries(C.Chat.getModelsArray().map((c) => [c.id, c.msgs.getModelsArray().map((m) => m.id._serialized)]));
      return { chats, msg: C.Msg.getModelsArray().length };
    });

  test.each(['require', 'Store'] as const)('aggressive trims old messages of chats nobody reads (collections via %s)', async (as) => {
    await installCollections(as);
    const out = await actions.aggressivePage();
    expect(out).toEqual({ trim: { available: true, chats: 3, trimmedChats: 1, removed: 10, errors: 0 } });
    const after = await counts();
    // busy: the newest 20 and the unacknowledged send kept; open (the active chat) and quiet untouched.
    expect(after.chats.busy).toEqual([...Array.from({ length: 20 }, (_, i) => `busy_${i + 11}`), 'busy_pending']);
    expect(after.chats.open).toHaveLength(30);
    expect(after.chats.quiet).toHaveLength(5);
    expect(after.msg).toBe(66 - 10);
  });
});
