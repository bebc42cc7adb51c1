/**
 * A Bun macro: runs when the server code is transpiled (`bun src/index.ts`, `bun test`) or
 * bundled (`bun run build`), and puts the dashboard's bundled JS and CSS into the server code
 * as string literals, so the executable carries them and nothing is read from disk at run time.
 * Bun.build cannot run inside a macro (the bundler waits for the macro), so it calls the CLI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bundled UI: its script, its styles, and a short hash of both for the asset names. */
export interface UiBundle {
  js: string;
  css: string;
  hash: string;
}

export function bundleUi(): UiBundle {
  const out = mkdtempSync(join(tmpdir(), 'wabun-ui-'));
  try {
    const r = Bun.spawnSync(
      [
        process.execPath,
        'build',
        join(import.meta.dir, 'ui', 'main.tsx'),
        '--target=browser',
        '--format=esm',
        '--minify',
        '--sourcemap=none',
        `--outdir=${out}`,
        '--entry-naming=app.[ext]',
      ],
      { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
    );
    if (r.exitCode !== 0) throw new Error(`dashboard UI bundle failed:\n${r.stderr.toString()}${r.stdout.toString()}`);
    const js = readFileSync(join(out, 'app.js'), 'utf8');
    const css = readFileSync(join(out, 'app.css'), 'utf8');
    return {
      js,
      css,
      hash: Bun.hash(js + css)
        .toString(36)
        .slice(0, 10),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
