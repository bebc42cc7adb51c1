/**
 * Chromium discovery and the flag list, without starting a browser: the order of the candidates,
 * the kind of a binary, and how CHROMIUM_EXTRA_FLAGS is merged into the flags.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MissingDependencyError } from '../src/errors';
import { CHROMIUM_CANDIDATES, CHROMIUM_FLAGS, chromiumArgs, chromiumKind, findChromium } from '../src/os/chromium';

const dir = mkdtempSync(join(tmpdir(), 'wabun-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const binary = (name: string, exec = true) => {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, exec ? 0o755 : 0o644);
  return path;
};

describe('findChromium', () => {
  test("Debian's headless shell is looked for first, then full chromium", () => {
    expect(CHROMIUM_CANDIDATES.slice(0, 2)).toEqual(['/usr/lib/chromium/chromium-headless-shell', '/usr/lib/chromium/chromium']);
  });

  test('the first executable candidate wins; one that is not executable is passed over', () => {
    const shell = binary('chromium-headless-shell', false);
    const full = binary('chromium');
    expect(findChromium('', [shell, full])).toBe(full);
    chmodSync(shell, 0o755);
    expect(findChromium('', [shell, full])).toBe(shell);
  });

  test('a configured path is used as it is, whatever the candidates', () => {
    const full = binary('chrome');
    expect(findChromium(full, [binary('chromium-headless-shell')])).toBe(full);
  });

  test('none found: MissingDependencyError naming every place looked, with the command that installs both', () => {
    let err: unknown;
    try {
      findChromium('', [join(dir, 'none-1'), join(dir, 'none-2')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect((err as MissingDependencyError).message).toContain(`${join(dir, 'none-1')}, ${join(dir, 'none-2')}`);
    expect((err as MissingDependencyError).hint).toContain('apt-get install -y chromium-headless-shell chromium');
  });

  test('the kind of a binary, by its name', () => {
    expect(chromiumKind('/usr/lib/chromium/chromium-headless-shell')).toBe('headless-shell');
    expect(chromiumKind('/opt/chrome-headless-shell/linux-156/chrome-headless-shell')).toBe('headless-shell');
    expect(chromiumKind('/usr/lib/chromium/chromium')).toBe('full');
    expect(chromiumKind('/usr/bin/google-chrome')).toBe('full');
  });
});

describe('chromiumArgs', () => {
  const listOf = (name: string) =>
    CHROMIUM_FLAGS.find((f) => f.startsWith(`${name}=`))!
      .split('=')[1]!
      .split(',');
  const ours = listOf('--disable-features');
  const ourEnabled = listOf('--enable-features');
  const lists = (args: string[], name: string) => args.filter((a) => a.startsWith(`${name}=`));

  test('without extra flags: the flag list, in a new array each call', () => {
    const a = chromiumArgs();
    expect(a).toEqual([...CHROMIUM_FLAGS]);
    expect(chromiumArgs()).not.toBe(a);
  });

  test('an extra --disable-features is merged into ours: one list, ours first, no repeats', () => {
    const a = chromiumArgs(['--disable-features=LocalNetworkAccessChecks,IsolateOrigins']);
    expect(lists(a, '--disable-features')).toEqual([`--disable-features=${[...ours, 'LocalNetworkAccessChecks'].join(',')}`]);
    expect(lists(a, '--enable-features')).toEqual([`--enable-features=${ourEnabled.join(',')}`]);
  });

  test('an extra --enable-features is merged into ours and takes it off our disable list', () => {
    const a = chromiumArgs(['--enable-features=IsolateOrigins,Foo', '--enable-features=Bar']);
    expect(lists(a, '--disable-features')).toEqual([`--disable-features=${ours.filter((f) => f !== 'IsolateOrigins').join(',')}`]);
    expect(lists(a, '--enable-features')).toEqual([`--enable-features=${[...ourEnabled, 'IsolateOrigins', 'Foo', 'Bar'].join(',')}`]);
  });

  test('an extra --disable-features of a feature we enable takes it off our enable list', () => {
    const a = chromiumArgs([`--disable-features=${ourEnabled[0]}`]);
    expect(lists(a, '--disable-features')).toEqual([`--disable-features=${[...ours, ourEnabled[0]].join(',')}`]);
    expect(lists(a, '--enable-features')).toEqual(ourEnabled.length > 1 ? [`--enable-features=${ourEnabled.slice(1).join(',')}`] : []);
  });

  test('any other extra flag replaces ours of the same name, or is added', () => {
    const a = chromiumArgs(['--renderer-process-limit=2', '--lang=de']);
    expect(a.filter((f) => f.startsWith('--renderer-process-limit'))).toEqual(['--renderer-process-limit=2']);
    expect(a).toContain('--lang=de');
    expect(a).toContain('--no-sandbox');
    expect(a).toHaveLength(CHROMIUM_FLAGS.length + 1);
  });

  test('another base list: its own feature lists are the ones merged', () => {
    const a = chromiumArgs(['--disable-features=B'], ['--no-sandbox', '--disable-features=A']);
    expect(a).toEqual(['--no-sandbox', '--disable-features=A,B']);
  });
});
