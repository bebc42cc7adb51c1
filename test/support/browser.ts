/**
 * A real headless Chromium for page tests: offline flags, its own profile and HOME, every
 * request the page makes (puppeteer's view and the raw DevTools events, WebSockets included),
 * every console message and page error, and screenshots into a folder that outlives the test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { allGone, chromiumPath, livingWithEnv, OFFLINE_FLAGS } from '../support/process';

export interface ConsoleEntry {
  type: string;
  text: string;
  url?: string;
}

export class TestBrowser {
  /** Every URL the page asked for, in order. */
  readonly requests: string[] = [];
  readonly console: ConsoleEntry[] = [];
  readonly pageErrors: string[] = [];
  readonly failed: string[] = [];
  private shots = 0;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly profile: string,
    private readonly mark: string,
    /** Where screenshots go (kept after the test, for a person to look at). */
    readonly shotsDir: string,
  ) {}

  static async launch(opts: { width?: number; height?: number } = {}): Promise<TestBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'wabun-browser-'));
    const shotsDir = mkdtempSync(join(tmpdir(), 'wabun-shots-'));
    // Inherited by every process this Chromium starts: how close() finds them all.
    const mark = `WABUN_TEST_BROWSER=${crypto.randomUUID()}`;
    const [name, value] = mark.split('=') as [string, string];
    for (const d of ['config', 'cache']) mkdirSync(join(profile, d), { recursive: true });
    const browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      userDataDir: join(profile, 'user-data'),
      args: [...OFFLINE_FLAGS],
      defaultViewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
      env: {
        ...process.env,
        [name]: value,
        HOME: profile,
        XDG_CONFIG_HOME: join(profile, 'config'),
        XDG_CACHE_HOME: join(profile, 'cache'),
      },
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    const page = await browser.newPage();
    const b = new TestBrowser(browser, page, profile, mark, shotsDir);
    page.on('request', (r) => b.requests.push(r.url()));
    page.on('requestfailed', (r) => b.failed.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`));
    page.on('console', (m) => b.console.push({ type: m.type(), text: m.text(), url: m.location().url }));
    page.on('pageerror', (e) => b.pageErrors.push(e instanceof Error ? (e.stack ?? e.message) : String(e)));
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => b.requests.push(e.request.url));
    cdp.on('Network.webSocketCreated', (e) => b.requests.push(e.url));
    return b;
  }

  /** Requests to anything but `origin` (http and ws), data: and blob: aside. */
  foreign(origin: string): string[] {
    const host = new URL(origin).host;
    return this.requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      try {
        return new URL(u).host !== host;
      } catch {
        return true;
      }
    });
  }

  /** Console errors and warnings (Chromium logs a failed load, a CSP violation, an uncaught error here). */
  problems(): ConsoleEntry[] {
    return this.console.filter((c) => c.type === 'error' || c.type === 'warn' || c.type === 'warning');
  }

  /** Saves a full-page PNG as `NN-name.png` and returns its path. */
  async shot(name: string): Promise<string> {
    const path = join(this.shotsDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  /** Saves a PNG of the first element matching `selector` only (a part of a long page), as shot() names it. */
  async shotOf(selector: string, name: string): Promise<string> {
    const path = join(this.shotsDir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    const element = await this.page.$(selector);
    if (!element) throw new Error(`no ${selector} to take a picture of`);
    await element.screenshot({ path });
    return path;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
    for (const pid of livingWithEnv(this.mark)) process.kill(pid, 'SIGKILL');
    await allGone(this.mark, 10_000);
    rmSync(this.profile, { recursive: true, force: true });
  }
}
