/**
 * The build's check for build-machine paths baked into the executable: it finds the paths Bun
 * really wrote (a bundled module's `__dirname`) and nothing else, whatever the build folder is
 * called. The Dockerfile builds in /src, a string found a hundred times in any executable
 * (`whatsapp-web.js/src/…`, Bun's own source paths): here the build runs in a folder that really is
 * /src, inside a private mount namespace and a chroot, so nothing on this machine changes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBakedPaths, KNOWN_BAKED_PATHS, ROOT, unknownBakedPaths } from '../../scripts/build';

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wabun-build-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** How often `text` occurs in `file`, anywhere. */
function occurrences(file: string, text: string): number {
  const bytes = readFileSync(file);
  const needle = Buffer.from(text);
  let n = 0;
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) n++;
  return n;
}

describe('findBakedPaths', () => {
  test('a path right after a quote is a leak; the same folder name inside other paths is not', () => {
    const file = join(work, 'sample');
    const parts = [
      'var __dirname = "/src/node_modules/a/lib", __filename = "/src/node_modules/a/lib/x.js";',
      "const p = '/src/src/data.json';",
      // Inside other paths, in source and in C string tables: not paths of the build folder.
      '// node_modules/whatsapp-web.js/src/Client.js',
      '\0/src/jsc/bindings/napi.h\0../../../src/runtime/api/FFI.h\0',
      '"./src/index.ts" "/srcx/node_modules/b" "/app/node_modules/c"',
      // A quote that never closes on its line.
      '"/src/node_modules/unclosed\n',
    ];
    writeFileSync(file, Buffer.concat(parts.map((p) => Buffer.from(p))));
    expect(findBakedPaths(file, '/src')).toEqual(['node_modules/a/lib', 'node_modules/a/lib/x.js', 'src/data.json']);
    expect(findBakedPaths(file, '/src/')).toEqual(findBakedPaths(file, '/src'));
    expect(findBakedPaths(file, '/app')).toEqual(['node_modules/c']);
    expect(findBakedPaths(file, '/build')).toEqual([]);
  });

  test('a known entry covers the files under it, not a sibling that shares its prefix', () => {
    const [known] = Object.keys(KNOWN_BAKED_PATHS) as [string];
    expect(unknownBakedPaths([known, `${known}/file.js`, `${known}-other`, 'node_modules/x'])).toEqual([
      `${known}-other`,
      'node_modules/x',
    ]);
  });
});

/** Root with mount namespaces and chroot: the build can run in a real /src without touching the machine. */
const canChroot = () =>
  process.getuid?.() === 0 && !!Bun.which('unshare') && !!Bun.which('chroot') && Bun.spawnSync(['unshare', '-m', 'true']).exitCode === 0;

describe.skipIf(!canChroot())('a build in /src', () => {
  /**
   * A new root on a tmpfs: the machine's /usr, /etc and /dev bound in, the repository bound
   * read-only at /src (node_modules included), an output folder at /out. Debian's /bin, /lib…
   * are links into /usr. The mounts live in the namespace and end with it.
   */
  const CHROOT_BUILD = `set -e
    chroot=$1; r=$2; repo=$3; out=$4; shift 4
    mount -t tmpfs wabun-build "$r"
    for d in usr etc dev; do mkdir "$r/$d"; mount --rbind "/$d" "$r/$d"; done
    for l in bin lib lib64 sbin; do if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$r/$l"; fi; done
    mkdir "$r/src" "$r/out" "$r/tmp" "$r/proc"
    mount -t proc proc "$r/proc"
    mount --bind "$repo" "$r/src" && mount -o remount,bind,ro "$r/src"
    mount --bind "$out" "$r/out"
    exec "$chroot" "$r" "$@"`;

  test('succeeds and finds exactly the paths Bun baked in (the listed ones), though "/src/" is all over the file', () => {
    const root = mkdtempSync(join(work, 'root-'));
    const out = mkdtempSync(join(work, 'out-'));
    const bun = Bun.which('bun') ?? process.execPath;
    const r = Bun.spawnSync(
      [
        'unshare',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        CHROOT_BUILD,
        'sh',
        Bun.which('chroot')!,
        root,
        ROOT,
        out,
        bun,
        '-e',
        // In the chroot the script is /src/scripts/build.ts, so its ROOT is /src.
        "const b = await import('/src/scripts/build.ts'); const r = await b.build({ outfile: '/out/wabun' }); console.log(JSON.stringify({ root: b.ROOT, baked: r.bakedPaths }));",
      ],
      { env: { PATH: '/usr/bin:/bin', HOME: '/tmp', TMPDIR: '/tmp' }, stdout: 'pipe', stderr: 'pipe' },
    );
    expect(r.stderr.toString()).toBe('');
    expect(r.exitCode).toBe(0);
    const { root: builtIn, baked } = JSON.parse(r.stdout.toString().trim().split('\n').at(-1)!) as { root: string; baked: string[] };
    expect(builtIn).toBe('/src');
    const exe = join(out, 'wabun');
    // The trap: the folder's name, unquoted, is everywhere in the executable.
    expect(occurrences(exe, '/src/')).toBeGreaterThan(50);
    // What was found are the listed paths, each of them (a check that found nothing would pass too).
    expect(baked).toEqual(findBakedPaths(exe, '/src'));
    expect(unknownBakedPaths(baked)).toEqual([]);
    for (const known of Object.keys(KNOWN_BAKED_PATHS)) expect(baked).toContain(known);
  }, 120_000);
});
