/**
 * The system Chromium: where it is, its version, and the flags it runs with (each with the
 * reason it is there; the measurements behind them are in docs/chromium.md).
 */
import { accessSync, constants } from 'node:fs';
import { basename } from 'node:path';
import { MissingDependencyError } from '../errors';

/** The command that installs both of Debian's browsers (the headless shell is the one used). */
export const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium-headless-shell chromium';

/**
 * Searched in order when no path is configured. Debian's headless shell comes first: the old
 * headless mode as a binary of its own, about 45 MB less per session than full Chromium
 * (docs/chromium.md). Then full Chromium: the real Debian binary before the /usr/bin/chromium
 * wrapper, which would add the flags of /etc/chromium.d (extensions, …); then Google Chrome.
 */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/chromium-headless-shell',
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
 * first of `candidates`. Throws MissingDependencyError with the install command otherwise.
 */
export function findChromium(configured: string, candidates: readonly string[] = CHROMIUM_CANDIDATES): string {
  if (configured) {
    if (executable(configured)) return configured;
    throw new MissingDependencyError(
      `Chromium not found at PUPPETEER_EXECUTABLE_PATH/CHROME_PATH=${configured} (missing or not executable).`,
      HINT,
    );
  }
  const found = candidates.find(executable);
  if (found) return found;
  throw new MissingDependencyError(`Chromium not found (looked in ${candidates.join(', ')}).`, HINT);
}

/**
 * Which kind of browser a binary is, by its name: Debian's `chromium-headless-shell` and Chrome
 * for Testing's `chrome-headless-shell` are the headless shell; anything else is a full browser.
 */
export function chromiumKind(path: string): 'headless-shell' | 'full' {
  return basename(path).includes('headless-shell') ? 'headless-shell' : 'full';
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
 * Flags on top of puppeteer's defaults (puppeteer merges its own --disable-features and
 * --enable-features lists with ours). Every flag has its reason: container, offline (a closed
 * network), or memory; the memory ones are measured one by one on the headless shell by
 * scripts/bench/flags.ts (docs/chromium.md has the figures and the flags left out).
 * Not here: --single-process (unsupported by Chromium; WAHA removed it after FAILED sessions).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  // container: root in a container has no usable sandbox (no user namespaces, no setuid helper).
  '--no-sandbox',
  // container: Docker gives /dev/shm 64 MB and Chromium crashes when it fills; its shared-memory
  // files go to TMPDIR instead, which we point into the session folder.
  '--disable-dev-shm-usage',
  // offline: these five stop the start-up requests (variations, safe-browsing lists, component
  // and sync services, first-run pages, QUIC probes) that flood a closed network.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // memory: a server has no GPU and WhatsApp Web needs no WebGL: no GPU compositing ...
  '--disable-gpu',
  // memory: ... and no SwiftShader software-GL fallback (about 10 MB). Video still decodes and
  // draws into a canvas without it, which is what WhatsApp Web's video preparation needs.
  '--disable-software-rasterizer',
  // memory: what is left of the GPU runs as a thread of the browser process, and renderers are
  // started by the browser itself rather than by two zygote processes (which need a sandbox
  // to be of use): three processes fewer, about 10 MB together.
  '--in-process-gpu',
  '--no-zygote',
  // memory: one renderer process for every frame (one process fewer).
  '--renderer-process-limit=1',
  // memory: site isolation off, so cross-site frames share that renderer.
  '--disable-site-isolation-trials',
  // memory: V8's young generation in WhatsApp Web's page capped at 2 MB semi-spaces: the busy
  // account's start-up garbage otherwise grows it to tens of MB that stay committed (about 55 MB).
  '--js-flags=--max-semi-space-size=2',
  // memory: IsolateOrigins/site-per-process: the same; WebUIOmniboxPopup/WebUIOmniboxAimPopup:
  // full Chromium 156 preloads a hidden address-bar popup page in a renderer of its own even
  // headless (the shell has none). Translate is off in puppeteer's own list already.
  '--disable-features=IsolateOrigins,site-per-process,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
  // memory: the network service as a thread of the browser process: one process fewer, about 9 MB.
  '--enable-features=NetworkServiceInProcess2',
];

/** Flags whose value is a comma list that Chromium reads from the last occurrence only. */
const FEATURE_LISTS = ['--disable-features', '--enable-features'] as const;

const nameOf = (flag: string) => flag.split('=', 1)[0]!;
const featuresOf = (flags: readonly string[], list: string) =>
  flags
    .filter((f) => nameOf(f) === list)
    .flatMap((f) =>
      f
        .slice(list.length + 1)
        .split(',')
        .filter(Boolean),
    );

/**
 * `base` (CHROMIUM_FLAGS; scripts/bench/flags.ts measures variants of it) with `extra`
 * (CHROMIUM_EXTRA_FLAGS) merged in, a new array each call (puppeteer splices the one it is given).
 * Chromium keeps only the last `--disable-features=` or `--enable-features=`, so features are
 * merged into one list each instead: an extra `--disable-features=X` adds X to ours (and takes
 * it off our enable list), an extra `--enable-features=X` adds X to ours (and takes it off our
 * disable list). Any other extra flag replaces ours of the same name, or is added.
 */
export function chromiumArgs(extra: readonly string[] = [], base: readonly string[] = CHROMIUM_FLAGS): string[] {
  const isList = (f: string) => (FEATURE_LISTS as readonly string[]).includes(nameOf(f));
  const extraEnable = featuresOf(extra, '--enable-features');
  const extraDisable = featuresOf(extra, '--disable-features');
  const merged = (ours: string[], theirs: string[], against: string[]) => [
    ...new Set([...ours.filter((f) => !against.includes(f)), ...theirs]),
  ];
  const disable = merged(featuresOf(base, '--disable-features'), extraDisable, extraEnable);
  const enable = merged(featuresOf(base, '--enable-features'), extraEnable, extraDisable);
  const plainExtra = extra.filter((f) => !isList(f));
  const replaced = new Set(plainExtra.map(nameOf));
  return [
    ...base.filter((f) => !isList(f) && !replaced.has(nameOf(f))),
    ...plainExtra,
    ...(disable.length ? [`--disable-features=${disable.join(',')}`] : []),
    ...(enable.length ? [`--enable-features=${enable.join(',')}`] : []),
  ];
}
