/**
 * The system Chromium: where it is, its version, the flags it runs with, and each session's
 * own folders (profile, HOME, XDG_*, TMPDIR) inside the session's data folder.
 */
import { accessSync, constants, mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { MissingDependencyError } from '../errors';
import { isAlive, readCmdline } from './process-tree';

/** The command that installs Chromium on Debian/Ubuntu (platform.md). */
export const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * Searched in order when no path is configured. The real Debian binary comes before the
 * /usr/bin/chromium wrapper, which would add the flags of /etc/chromium.d (extensions, …).
 */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/lib/chromium-browser/chromium-browser',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
];

const HINT = `Install it with \`${CHROMIUM_INSTALL}\`, or set PUPPETEER_EXECUTABLE_PATH (or CHROME_PATH) to a Chromium/Chrome binary.`;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium binary: `configured` (PUPPETEER_EXECUTABLE_PATH / CHROME_PATH) if given, else the
 * first of CHROMIUM_CANDIDATES. Throws MissingDependencyError with the install command otherwise.
 */
export function findChromium(configured: string): string {
  if (configured) {
    if (executable(configured)) return configured;
    throw new MissingDependencyError(
      `Chromium not found at PUPPETEER_EXECUTABLE_PATH/CHROME_PATH=${configured} (missing or not executable).`,
      HINT,
    );
  }
  const found = CHROMIUM_CANDIDATES.find(executable);
  if (found) return found;
  throw new MissingDependencyError(`Chromium not found (looked in ${CHROMIUM_CANDIDATES.join(', ')}).`, HINT);
}

const versions = new Map<string, string>();

/** `chromium --version` (e.g. "Chromium 156.0.8078.108"), run once per path; 'unknown' if it fails. */
export function chromiumVersion(path: string): string {
  let v = versions.get(path);
  if (v === undefined) {
    try {
      const r = Bun.spawnSync([path, '--version'], { stdout: 'pipe', stderr: 'ignore', timeout: 10_000 });
      v = r.success ? r.stdout.toString().trim() || 'unknown' : 'unknown';
    } catch {
      v = 'unknown';
    }
    versions.set(path, v);
  }
  return v;
}

/**
 * Flags on top of puppeteer's defaults (puppeteer merges its own --disable-features list with
 * ours). Every flag has its reason: container, offline (a closed network), or memory.
 * Not here: --single-process (unsupported by Chromium; WAHA removed it after FAILED sessions).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  // container: root in a container has no usable sandbox (no user namespaces, no setuid helper).
  '--no-sandbox',
  // container: Docker gives /dev/shm 64 MB and Chromium crashes when it fills; its shared-memory
  // files go to TMPDIR instead, which we point into the session folder.
  '--disable-dev-shm-usage',
  // offline: these five stop the start-up requests (variations, safe-browsing lists, component
  // and sync services, first-run pages, QUIC probes) that flood a closed network (platform.md).
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // memory: a server has no GPU and WhatsApp Web needs no WebGL: no GPU compositing ...
  '--disable-gpu',
  // memory: ... and no SwiftShader software-GL fallback in the GPU process that remains
  // (−13 MB PSS in paired blank-page runs here).
  '--disable-software-rasterizer',
  // memory: one renderer process for every frame (platform.md: one process fewer).
  '--renderer-process-limit=1',
  // memory: site isolation off, so cross-site frames share that renderer (platform.md).
  '--disable-site-isolation-trials',
  // memory: IsolateOrigins/site-per-process: the same; Translate: no translate service;
  // WebUIOmniboxPopup/WebUIOmniboxAimPopup: Chromium 156 preloads a hidden address-bar popup
  // page in a renderer of its own even headless, ~45 MB: the largest single saving (platform.md).
  '--disable-features=IsolateOrigins,site-per-process,Translate,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

/** A session's folders: everything Chromium writes lives under its data folder. */
export interface SessionDirs {
  root: string;
  /** Chromium's profile (LocalAuth's `<dataPath>/session`): the WhatsApp login. */
  profile: string;
  home: string;
  tmp: string;
}

export function sessionDirs(dataDir: string): SessionDirs {
  const root = resolve(dataDir);
  return { root, profile: join(root, 'session'), home: join(root, 'home'), tmp: join(root, 'tmp') };
}

/** Variables passed on to Chromium; the rest of ours (API keys, …) never reach it. */
const PASSED_ENV = /^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ|FONTCONFIG_[A-Z]+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|all_proxy|ALL_PROXY)$/;

/**
 * Chromium's environment: HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME and TMPDIR inside the session
 * folder (even with --user-data-dir it writes under $HOME/.config, $HOME/.cache and the temp
 * folder, platform.md; a SIGKILLed browser leaves its `org.chromium.Chromium.*` temp folder).
 */
export function browserEnv(dirs: SessionDirs, env: Record<string, string | undefined> = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASSED_ENV.test(k)) out[k] = v;
  return {
    ...out,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
  };
}

const SINGLETONS = ['SingletonLock', 'SingletonSocket', 'SingletonCookie'];

/**
 * Removes the profile's Singleton* files unless a live Chromium of this machine still holds the
 * profile. A crashed or SIGKILLed browser leaves them, and the next launch then fails with
 * "profile in use" (wppconnect #2896). SingletonLock is a symlink to "<hostname>-<pid>".
 * Returns true when the profile is free.
 */
export function clearStaleLock(profile: string): boolean {
  let target: string;
  try {
    target = readlinkSync(join(profile, 'SingletonLock'));
  } catch {
    target = '';
  }
  if (target) {
    const dash = target.lastIndexOf('-');
    const host = target.slice(0, dash);
    const pid = Number(target.slice(dash + 1));
    const holder = host === hostname() && Number.isInteger(pid) && pid > 0 && isAlive(pid) && readCmdline(pid).includes(profile);
    if (holder) return false;
  }
  for (const name of SINGLETONS) rmSync(join(profile, name), { force: true });
  return true;
}

/** Creates the session's folders and empties its temp folder (left over by a killed browser). */
export function prepareDirs(dirs: SessionDirs): void {
  rmSync(dirs.tmp, { recursive: true, force: true });
  for (const d of [dirs.profile, dirs.tmp, join(dirs.home, '.config'), join(dirs.home, '.cache')]) mkdirSync(d, { recursive: true });
}
