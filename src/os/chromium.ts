/**
 * The system Chromium: where it is, its version, and the flags it runs with (each with the
 * reason it is there; the measurements behind them are in docs/chromium.md).
 */
import { accessSync, constants } from 'node:fs';
import { MissingDependencyError } from '../errors';

/** The command that installs Chromium on Debian/Ubuntu. */
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
  // and sync services, first-run pages, QUIC probes) that flood a closed network.
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
  // memory: one renderer process for every frame (one process fewer).
  '--renderer-process-limit=1',
  // memory: site isolation off, so cross-site frames share that renderer.
  '--disable-site-isolation-trials',
  // memory: IsolateOrigins/site-per-process: the same; Translate: no translate service;
  // WebUIOmniboxPopup/WebUIOmniboxAimPopup: Chromium 156 preloads a hidden address-bar popup
  // page in a renderer of its own even headless, ~45 MB: the largest single saving.
  '--disable-features=IsolateOrigins,site-per-process,Translate,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];
