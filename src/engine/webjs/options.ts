/**
 * The options of one session's whatsapp-web.js Client: the page source (WAHA_WEBJS_* web
 * version cache), the device name, the proxy, and how puppeteer launches Chromium.
 */
import type { AuthStrategy, Client, ClientOptions } from 'whatsapp-web.js';
import { chromiumArgs } from '../../os/chromium';
import type { EngineOptions } from '../types';
import { browserEnv, type SessionDirs } from './profile';

/** Where WhatsApp Web's page comes from (WAHA_WEBJS_* variables). */
export interface WebVersionCache {
  type: 'none' | 'local' | 'remote';
  path: string;
  remotePath: string;
  version: string;
}

/** What every session's engine shares: the browser, the page source, the time-outs. */
export interface WebjsSettings {
  chromiumPath: string;
  /** CHROMIUM_EXTRA_FLAGS, merged into the flag list (src/os/chromium.ts chromiumArgs). */
  extraFlags?: readonly string[];
  /** The flag list itself; default CHROMIUM_FLAGS (scripts/bench/flags.ts measures variants of it). */
  flags?: readonly string[];
  webCache: WebVersionCache;
  /** Browser launch and page load (INIT_TIMEOUT_MS). */
  initTimeoutMs: number;
  /** Graceful close before SIGKILL (DESTROY_TIMEOUT_MS). */
  destroyTimeoutMs: number;
  /** WHATSAPP_PROXY_SERVER: used when a session sets no proxy of its own. */
  defaultProxy?: string;
  /** Newest messages each idle chat keeps in the page when memory is relieved. */
  keepPerChat?: number;
}

/** whatsapp-web.js's `webVersionCache`: where the WhatsApp Web page comes from. */
export function webCacheOption(wc: WebVersionCache): ClientOptions['webVersionCache'] {
  if (wc.type === 'local') return { type: 'local', path: wc.path };
  if (wc.type === 'remote') return { type: 'remote', remotePath: wc.remotePath };
  return { type: 'none' };
}

export function clientOptions(settings: WebjsSettings, opts: EngineOptions, dirs: SessionDirs, authStrategy: AuthStrategy): ClientOptions {
  const { webCache } = settings;
  const device = opts.device;
  // A session's own proxy wins over WHATSAPP_PROXY_SERVER.
  const proxy = opts.proxy ?? (settings.defaultProxy ? { server: settings.defaultProxy } : null);
  return {
    authStrategy,
    // How long inject() waits for WhatsApp Web's code to appear (the library's default is 30 s).
    authTimeoutMs: settings.initTimeoutMs,
    webVersionCache: webCacheOption(webCache),
    ...(webCache.version ? { webVersion: webCache.version } : {}),
    ...(device?.deviceName ? { deviceName: device.deviceName } : {}),
    ...(device?.browserName ? { browserName: device.browserName } : {}),
    ...(proxy?.username ? { proxyAuthentication: { username: proxy.username, password: proxy.password ?? '' } } : {}),
    puppeteer: {
      executablePath: settings.chromiumPath,
      headless: true,
      // DevTools over a pipe, not a port: if this process dies, Chromium reads EOF on the pipe
      // and quits instead of living on as an orphan (with a WebSocket it stays up; checked here).
      pipe: true,
      // A new array per launch: puppeteer splices the one it is given (docs/runtime-facts.md).
      args: [...chromiumArgs(settings.extraFlags, settings.flags), ...(proxy?.server ? [`--proxy-server=${proxy.server}`] : [])],
      env: browserEnv(dirs),
      timeout: settings.initTimeoutMs, // the launch itself
      // We shut the browser down ourselves; puppeteer's handlers close it but leave the process.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    },
  };
}

/**
 * whatsapp-web.js injects itself again after every navigation, from an event listener: a failure
 * there would be an unhandled rejection. The first injection (inside initialize()) still throws;
 * later failures go to `onFail` (the engine reports a transient disconnect).
 */
export function guardReinjection(client: Client, onFail: (err: unknown) => void): void {
  const c = client as unknown as { inject: () => Promise<void> };
  const inject = c.inject.bind(client);
  let first = true;
  c.inject = async () => {
    if (first) {
      first = false;
      await inject();
      return;
    }
    try {
      await inject();
    } catch (err) {
      onFail(err);
    }
  };
}
