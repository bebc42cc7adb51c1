/**
 * `bun run build`: compiles src/index.ts and everything it imports into one executable, dist/wabun.
 *   bun scripts/build.ts [--outfile PATH] [--no-bytecode] [--no-smol] [--minify]
 *
 * The executable carries the Bun runtime, the code and the docs page's assets; it needs no
 * node_modules at run time, only Chromium on the machine. Choices, measured on the dev VM
 * (see BENCHMARKS.md):
 * - bytecode: JavaScriptCore bytecode is compiled at build time. Start to the first /health
 *   200 falls from ~136 ms to ~58 ms (medians, interleaved runs) and the first sample from 33 to
 *   29 MB, for +3 MB of file. Sources stay in the file, so `fn.toString()` still works: puppeteer's
 *   `page.evaluate` and whatsapp-web.js were checked from a bytecode executable in an empty folder.
 * - `--smol` is baked in (`compile.execArgv`): Bun's "use less memory, collect more often"
 *   mode; start-up is the same within noise.
 * - no minification by default: whatsapp-web.js sends functions into the page with
 *   `page.evaluate(fn)`, i.e. as `fn.toString()`; rewriting them is a risk for ~0.4 MB of ~115 MB.
 * - externals: see EXTERNALS.
 */
import { readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dir, '..');
export const DEFAULT_OUTFILE = join(ROOT, 'dist', 'wabun');

/**
 * Left out of the bundle. whatsapp-web.js loads these three only for RemoteAuth, inside a
 * try/catch at import; unzipper in turn reaches @aws-sdk/client-s3, which is not installed and
 * stops the build (docs/runtime-facts.md). wabun keeps sessions with LocalAuth, so RemoteAuth is unused.
 */
export const EXTERNALS = ['unzipper', 'archiver', 'fs-extra'];

/**
 * Bun writes a bundled CommonJS module's `__dirname` as the build machine's absolute path. A
 * module that reads its own files through it breaks once node_modules is gone. Every such path
 * in the executable must be listed here with the reason it is harmless; any other fails the build.
 */
export const KNOWN_BAKED_PATHS: Record<string, string> = {
  'node_modules/node-webpmux/libwebp':
    'libwebp.wasm is read only by Image.initLib() (pixel encode/decode); whatsapp-web.js only uses load()/save() to set sticker EXIF, which work without it',
  'node_modules/fluent-ffmpeg/lib':
    'the presets folder, read only for named presets; whatsapp-web.js uses none (and ffmpeg itself is an external program)',
  'node_modules/@tootallnate/quickjs-emscripten/dist/generated':
    'its SYNC wasm variant embeds the wasm as base64; used only for PAC proxy files',
};

export interface BuildOptions {
  outfile?: string;
  smol?: boolean;
  minify?: boolean;
  bytecode?: boolean;
}

export interface BuildResult {
  outfile: string;
  bytes: number;
  ms: number;
  bakedPaths: string[];
}

/**
 * Build-machine paths (relative to `root`) that ended up inside the executable. Bun writes them as
 * string literals in the bundled source, which the executable keeps even with bytecode
 * (`var __dirname = "/…/node_modules/x"`), so a leak is the root right after a quote and ends at
 * the closing one. Unquoted, a short build folder such as /src, /app or /build occurs a hundred
 * times in any executable (`whatsapp-web.js/src/…`, `smart-buffer/build/…`, Bun's own source
 * paths) and says nothing about what is read at run time.
 */
export function findBakedPaths(file: string, root = ROOT): string[] {
  const bytes = readFileSync(file);
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const found = new Set<string>();
  for (const quote of ['"', "'", '`']) {
    const needle = Buffer.from(quote + prefix);
    const close = quote.charCodeAt(0);
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
      const start = at + needle.length;
      let end = start;
      // A literal that never closes on its line is not a path Bun wrote.
      while (end < bytes.length && end - start < 4096 && bytes[end] !== close && bytes[end] !== 0x0a) end++;
      if (bytes[end] === close) found.add(bytes.subarray(start, end).toString('utf8'));
    }
  }
  return [...found].sort();
}

/** Paths found that are not, and do not lie under, a KNOWN_BAKED_PATHS entry. */
export const unknownBakedPaths = (paths: string[]) =>
  paths.filter((p) => !Object.keys(KNOWN_BAKED_PATHS).some((k) => p === k || p.startsWith(`${k}/`)));

/**
 * Compiles the executable. Throws with Bun's messages when the bundle fails, and when the
 * result would read an unlisted build-machine file (then nothing is written to `outfile`).
 */
export async function build(opts: BuildOptions = {}): Promise<BuildResult> {
  const outfile = opts.outfile ?? DEFAULT_OUTFILE;
  // Written next to the target and renamed into place: a test or bench running the old
  // executable meanwhile never sees half a file.
  const partial = `${outfile}.${process.pid}.partial`;
  const started = performance.now();
  const result = await Bun.build({
    throw: false,
    entrypoints: [join(ROOT, 'src', 'index.ts')],
    target: 'bun',
    external: EXTERNALS,
    minify: opts.minify ?? false,
    bytecode: opts.bytecode ?? true,
    // src/index.ts awaits at top level; bytecode would otherwise default to CommonJS.
    format: 'esm',
    sourcemap: 'none',
    compile: {
      outfile: partial,
      execArgv: opts.smol === false ? [] : ['--smol'],
      // Run-time behaviour must not depend on the folder it is started from: bunfig.toml is
      // a build and test file. A .env in the working folder is still read, as `bun src/index.ts` does.
      autoloadBunfig: false,
      autoloadTsconfig: false,
      autoloadPackageJson: false,
    },
  });
  if (!result.success) {
    rmSync(partial, { force: true });
    throw new Error(`build failed:\n${result.logs.map((l) => String(l)).join('\n')}`);
  }
  const bakedPaths = findBakedPaths(partial);
  const unknown = unknownBakedPaths(bakedPaths);
  if (unknown.length) {
    rmSync(partial, { force: true });
    throw new Error(
      'build: the executable would read files from the build machine at run time; they are missing on any other machine:\n' +
        unknown.map((p) => `  ${p}`).join('\n') +
        "\nEmbed such a file with `import f from '…' with { type: 'file' }`, or, if it is never read on wabun's paths, " +
        'list it in KNOWN_BAKED_PATHS in scripts/build.ts with the reason.',
    );
  }
  renameSync(partial, outfile);
  return { outfile, bytes: statSync(outfile).size, ms: Math.round(performance.now() - started), bakedPaths };
}

/** Newest modification time (ms) of what goes into the executable: src/, the lockfile, this script. */
export function newestSourceMtime(root = ROOT): number {
  let newest = 0;
  const visit = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'package.json', 'bun.lock', 'scripts/build.ts']) visit(join(root, p));
  return newest;
}

/** The executable at `outfile`, built again only when a source is newer than it (keeps tests fast). */
export async function ensureBuilt(outfile = DEFAULT_OUTFILE): Promise<{ outfile: string; rebuilt: boolean }> {
  let builtAt = 0;
  try {
    builtAt = statSync(outfile).mtimeMs;
  } catch {
    /* not built yet */
  }
  if (builtAt > newestSourceMtime()) return { outfile, rebuilt: false };
  await build({ outfile });
  return { outfile, rebuilt: true };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (import.meta.main) {
  const argv = process.argv;
  try {
    const r = await build({
      outfile: argValue('--outfile'),
      smol: !argv.includes('--no-smol'),
      minify: argv.includes('--minify'),
      bytecode: !argv.includes('--no-bytecode'),
    });
    console.log(`built ${relative(process.cwd(), r.outfile) || r.outfile}: ${(r.bytes / 1e6).toFixed(1)} MB in ${r.ms} ms`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
