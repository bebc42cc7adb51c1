/** Starting wabun as a child process and learning its port from its log, without sleeping. */

import { readdirSync, readFileSync } from 'node:fs';
import type { Subprocess } from 'bun';
import { findChromium } from '../../src/os/chromium';

/** Flags that keep Chromium quiet on a closed network, as root (docs/chromium.md). */
export const OFFLINE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Pids of living (not zombie) processes whose environment holds `entry` (`NAME=value`). Every
 * process a browser starts inherits its environment, detached helpers included, so a unique
 * entry finds them all.
 */
export function livingWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat[stat.lastIndexOf(')') + 2] !== 'Z') pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Resolves once no living process holds `entry`, or rejects with their pids after `timeoutMs`. */
export async function allGone(entry: string, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const left = livingWithEnv(entry);
    if (left.length === 0) return;
    if (performance.now() > until) throw new Error(`processes still alive: ${left.join(', ')}`);
    await Bun.sleep(20);
  }
}

/**
 * The browser every test runs: the product's own discovery (the headless shell first, then full
 * chromium), or PUPPETEER_EXECUTABLE_PATH from the test's environment, as the service reads it
 * (`bun run test:e2e:chromium` runs the smoke set on full chromium that way).
 */
export function chromiumPath(): string {
  return findChromium(process.env.PUPPETEER_EXECUTABLE_PATH ?? process.env.CHROME_PATH ?? '');
}

/** Calls `onText` with each decoded chunk of `stream` until it ends. */
export async function eachChunk(stream: ReadableStream<Uint8Array>, onText: (text: string) => void): Promise<void> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(decoder.decode(value, { stream: true }));
  }
}

export interface Started {
  proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  port: number;
  /** Every JSON log line so far (more arrive while it runs). */
  lines: Record<string, unknown>[];
  /** Every stdout line that was not JSON (a QR code drawn in the terminal, or a bug). */
  otherLines: string[];
  stderr: () => string;
  kill: (signal?: NodeJS.Signals) => void;
  /** Resolves with the first log line (past or coming) that `match` accepts. */
  line: (match: (l: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>;
}

/**
 * Spawns `cmd` (which must log `{"msg":"listening","port":N}`) and resolves once it has.
 * Rejects with its stderr when it exits first, or after `timeoutMs`.
 */
export async function startProcess(
  cmd: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<Started> {
  const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const lines: Record<string, unknown>[] = [];
  const otherLines: string[] = [];
  const waiters = new Set<(l: Record<string, unknown>) => void>();
  let err = '';
  void eachChunk(proc.stderr, (text) => (err += text));

  let onListening: (port: number) => void = () => {};
  const listening = new Promise<number>((resolve) => (onListening = resolve));
  let buffer = '';
  void eachChunk(proc.stdout, (text) => {
    buffer += text;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const record = JSON.parse(line) as Record<string, unknown>;
        lines.push(record);
        for (const w of [...waiters]) w(record);
        if (record.msg === 'listening' && typeof record.port === 'number') onListening(record.port);
      } catch {
        otherLines.push(line);
      }
    }
  });

  const timeoutMs = opts.timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    void proc.exited.then((code) => reject(new Error(`${cmd.join(' ')} exited with ${code} before listening:\n${err}`)));
    timer = setTimeout(() => reject(new Error(`${cmd.join(' ')} did not log "listening" within ${timeoutMs} ms:\n${err}`)), timeoutMs);
  });
  try {
    const port = await Promise.race([listening, failed]);
    const line = (match: (l: Record<string, unknown>) => boolean, ms = 30_000) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const seen = lines.find(match);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching log line within ${ms} ms`));
        }, ms);
        const check = (l: Record<string, unknown>) => {
          if (match(l)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(l);
          }
        };
        waiters.add(check);
      });
    return {
      proc,
      port,
      lines,
      otherLines,
      stderr: () => err,
      line,
      kill: (signal = 'SIGTERM') => {
        if (proc.exitCode === null) proc.kill(signal);
      },
    };
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
