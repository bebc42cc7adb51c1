/**
 * A session's Chromium profile and the folders around it: everything Chromium writes lives under
 * the session's data folder (it writes under $HOME/.config, $HOME/.cache and the temp folder even
 * with --user-data-dir, so those point inside too), and a stale SingletonLock left by a killed
 * browser is cleared before the next launch.
 */
import { mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { commandLine, isAlive } from '../../os/proc';

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
 * folder (a SIGKILLed browser leaves its `org.chromium.Chromium.*` temp folder there).
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
    const holder = host === hostname() && Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(profile);
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
