/**
 * The WhatsApp Web simulator: writes the page whatsapp-web.js loads instead of WhatsApp Web.
 *
 * whatsapp-web.js 1.34.7, given `webVersionCache: { type: 'local', path: dir }` and
 * `webVersion: version`, answers the request for https://web.whatsapp.com/ with the file
 * `${dir}/${version}.html` (request interception). `writeSimPage` writes that file: the page
 * scripts in ./page, concatenated into one inline script, with the options baked in.
 * See ./README.md for what the page provides and how to drive it (./control.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromiumKind } from '../../src/os/chromium';

/** The whatsapp-web.js release the page's modules were written against. */
export const WWEBJS_VERSION = '1.34.7';
/** whatsapp-web.js 1.34.7's default `webVersion`: an engine that only sets the cache path finds the page too. */
export const DEFAULT_WEB_VERSION = '2.3000.1017054665';

/** How much account the page seeds at login (contacts, chats, groups, history). */
export interface AccountProfile {
  contacts?: number;
  chats?: number;
  groups?: number;
  messagesPerChat?: number;
  /** Channels the account owns (the first) or follows; each has 30 posts, and the directory 6 more channels. */
  channels?: number;
}
/** A few chats for functional tests. */
export const SMALL_ACCOUNT = { contacts: 6, chats: 4, groups: 1, messagesPerChat: 6, channels: 3 } satisfies AccountProfile;
/** A busy WhatsApp account: ~100k message models in the page, for memory measurements. */
export const BUSY_ACCOUNT = { contacts: 800, chats: 500, groups: 50, messagesPerChat: 200, channels: 10 } satisfies AccountProfile;

export interface SimPageOptions {
  /** File name and `window.Debug.VERSION`; default DEFAULT_WEB_VERSION. */
  version?: string;
  /** ws:// URL of a SimControlServer (control.ts); the page connects to it at every load. */
  controlUrl?: string;
  /** Scan the QR (or confirm the pairing code) by itself once the library shows the first one. */
  autoScan?: boolean | { delayMs?: number };
  /** The account the phone pairs as. Each "x" in `number` becomes a digit derived from the profile. */
  me?: { number?: string; pushName?: string };
  account?: AccountProfile;
  /** Seed of the generated account (same seed → same ids, names and history). */
  seed?: number;
  /** The phone runs WhatsApp Business (Conn.platform 'smba'): labels, seeded with WhatsApp Business's five. */
  business?: boolean;
  /** How sent messages are acked: 1 → 2 → 3 ('auto'), 1 only ('server'), or by the test ('manual'). */
  acks?: 'auto' | 'server' | 'manual';
  ackDelayMs?: number;
  /** A new QR ref every this many ms while unpaired (0: never). WhatsApp Web rotates about every 20 s. */
  qrRefreshMs?: number;
  connectDelayMs?: number;
  syncDelayMs?: number;
  /** Between Cmd 'logout' and the reload, so whatsapp-web.js sees the logout before the navigation. */
  logoutReloadDelayMs?: number;
}

/** Id prefixes of the seeded account (see page/account.js). */
export const SIM_IDS = { contactPrefix: '155501', groupPrefix: '120363990000', channelPrefix: '120363880000' };
export const DEFAULT_ME = { number: '15550001000', pushName: 'Sim Tester' };
/** Seeded contact `i` ("155501000ii@c.us"); contacts below chats - groups have a private chat. */
export const simContactId = (i: number) => `${SIM_IDS.contactPrefix}${String(i).padStart(5, '0')}@c.us`;
/**
 * The LID the simulated server gives a phone-number id ("8" + the number padded to 14 digits,
 * "@lid"). The page knows it from the start for me and the seeded contacts with an even index;
 * others it learns when the library asks the server (page/contacts.js).
 */
export const simLid = (phoneId: string) => `8${phoneId.slice(0, phoneId.indexOf('@')).padStart(14, '0')}@lid`;
/** Seeded group `i` ("120363990000000ii@g.us"). */
export const simGroupId = (i: number) => `${SIM_IDS.groupPrefix}${String(i).padStart(6, '0')}@g.us`;
/** Seeded channel `i` ("12036388000000000i@newsletter"): 0 is the account's own, 1..channels-1 followed, the rest directory only. */
export const simChannelId = (i: number) => `${SIM_IDS.channelPrefix}${String(i).padStart(6, '0')}@newsletter`;

const PAGE_FILES = [
  'core.js',
  'session.js',
  'store.js',
  'messages.js',
  'media.js',
  'account.js',
  'modules.js',
  'groups.js',
  'groups-api.js',
  'labels.js',
  'channels.js',
  'channels-api.js',
  'control.js',
  // Areas: each adds its modules to the require table and its methods to the control API.
  'chats.js',
  'message-actions.js',
  'polls.js',
  'receipts.js',
  'ciphertext.js',
  'contacts.js',
  'presence.js',
  'profile.js',
  'status.js',
  'calls.js',
  'boot.js',
];

/** The page's HTML with `opts` baked in. */
export function renderSimPage(opts: SimPageOptions = {}): string {
  const autoScan = opts.autoScan ? { delayMs: (typeof opts.autoScan === 'object' && opts.autoScan.delayMs) || 50 } : false;
  const config = {
    version: opts.version ?? DEFAULT_WEB_VERSION,
    controlUrl: opts.controlUrl ?? null,
    autoScan,
    me: { ...DEFAULT_ME, ...opts.me },
    account: opts.account ?? SMALL_ACCOUNT,
    ids: SIM_IDS,
    seed: opts.seed ?? 1,
    business: opts.business ?? false,
    acks: opts.acks ?? 'auto',
    ackDelayMs: opts.ackDelayMs ?? 20,
    qrRefreshMs: opts.qrRefreshMs ?? 20_000,
    connectDelayMs: opts.connectDelayMs ?? 20,
    syncDelayMs: opts.syncDelayMs ?? 20,
    logoutReloadDelayMs: opts.logoutReloadDelayMs ?? 500,
  };
  const scripts = PAGE_FILES.map((f) => `// ---- ${f} ----\n${readFileSync(join(import.meta.dir, 'page', f), 'utf8')}`);
  const body = `'use strict';\nconst CONFIG = ${JSON.stringify(config)};\n${scripts.join('\n')}`;
  if (body.includes('</script')) throw new Error('sim page scripts must not contain "</script"');
  return [
    '<!doctype html>',
    // data: favicon: otherwise Chromium asks the (absent) network for /favicon.ico.
    '<html lang="en"><head><meta charset="utf-8"><title>WhatsApp</title><link rel="icon" href="data:,"></head>',
    '<body><div id="app">WhatsApp Web simulator (test/sim)</div>',
    `<script>(() => {\n${body}\n})();</script>`,
    '</body></html>',
  ].join('\n');
}

/** Writes `${dir}/${version}.html` (creating `dir`) for whatsapp-web.js's local web cache. */
export function writeSimPage(dir: string, opts: SimPageOptions = {}): { version: string; path: string } {
  const version = opts.version ?? DEFAULT_WEB_VERSION;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${version}.html`);
  writeFileSync(path, renderSimPage(opts));
  return { version, path };
}

/** The whatsapp-web.js Client options that load a page written by writeSimPage. */
export function webjsOptions(page: { version: string; path: string }) {
  // strict: a missing file is an error instead of a silent fetch of the real WhatsApp Web.
  return { webVersion: page.version, webVersionCache: { type: 'local' as const, path: dirname(page.path), strict: true } };
}

/**
 * Lets the page reach a loopback control server from a Chromium profile that the test does not
 * launch itself. Chromium 156's Local Network Access checks block ws://127.0.0.1 from
 * https://web.whatsapp.com (net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS); a granted
 * `loopback_network` content setting in the profile's Preferences allows it. Call before the
 * browser first starts with `profileDir` (whatsapp-web.js LocalAuth: `${dataPath}/session[-clientId]`).
 * The headless shell ignores that setting: it needs `controlFlags` instead.
 */
export function allowLoopbackControl(profileDir: string): void {
  const file = join(profileDir, 'Default', 'Preferences');
  mkdirSync(join(profileDir, 'Default'), { recursive: true });
  const prefs = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const exceptions = (((prefs.profile ??= {}).content_settings ??= {}).exceptions ??= {});
  for (const setting of ['loopback_network', 'local_network_access']) {
    exceptions[setting] = { ...exceptions[setting], 'https://web.whatsapp.com:443,*': { setting: 1 } };
  }
  writeFileSync(file, JSON.stringify(prefs));
}

/**
 * The flags a browser needs, beside allowLoopbackControl, for the page to reach a loopback control
 * server: none for full chromium; for the headless shell, which ignores the profile's content
 * settings, Local Network Access checks off (`--disable-features=LocalNetworkAccessChecks`;
 * loopback counts as secure, so ws:// from the https page is not mixed content). The service
 * takes them as CHROMIUM_EXTRA_FLAGS, which merges the list into its own.
 */
export function controlFlags(executable: string): string[] {
  return chromiumKind(executable) === 'headless-shell' ? ['--disable-features=LocalNetworkAccessChecks'] : [];
}
