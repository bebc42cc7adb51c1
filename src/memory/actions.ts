/**
 * What the governor's steps do, against the real runtime and the real pages. The governor takes
 * these as a dependency, so its tests give it recording fakes and these are tested against a
 * real Chromium page (test/memory.test.ts).
 */
import { type TrimResult, trimSource } from './trim';
import type { PageControl } from './types';

export interface MemoryActions {
  /** `Bun.gc(full)`: false asks for a collection, true runs a blocking full one (~50 ms). */
  gc(full: boolean): void;
  /** Trim old messages of chats nobody has open, collect garbage in the page, drop the HTTP cache. */
  cleanupPage(page: PageControl): Promise<Record<string, unknown>>;
  /** Trim WhatsApp Web's in-page collections, signal critical memory pressure, collect. */
  aggressivePage(page: PageControl): Promise<Record<string, unknown>>;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs each call even when one fails; the errors are reported, never thrown. */
async function each(calls: [string, () => Promise<unknown>][]): Promise<{ results: Record<string, unknown>; errors: string[] }> {
  const results: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [name, call] of calls) {
    try {
      results[name] = (await call()) ?? true;
    } catch (err) {
      errors.push(`${name}: ${messageOf(err)}`);
    }
  }
  return { results, errors };
}

/** What a page action logs: the trim's counts, and the calls that failed. */
function report({ results, errors }: { results: Record<string, unknown>; errors: string[] }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (results.trim && typeof results.trim === 'object') out.trim = results.trim;
  if (errors.length) out.errors = errors;
  return out;
}

/** The production actions; `keepPerChat` is how many newest messages each chat keeps in the page. */
export function runtimeActions({ keepPerChat = 20 }: { keepPerChat?: number } = {}): MemoryActions {
  const trim = trimSource(keepPerChat);
  return {
    gc(full) {
      Bun.gc(full);
    },
    async cleanupPage(page) {
      return report(
        await each([
          // Cheap (one pass over the chats) and safe (see trim.ts: the open chat, the newest
          // messages and unacknowledged sends stay), so it runs with every cleanup, before the
          // collection that frees what it dropped. Issue 7's soak: a busy session grew 8 % without it.
          ['trim', () => page.evaluate<TrimResult>(trim)],
          // V8's collector in the page; the heap of a busy WhatsApp Web tab is hundreds of MB.
          ['collectGarbage', () => page.cdp('HeapProfiler.collectGarbage')],
          // Cached responses (media thumbnails, scripts) held by the network service.
          ['clearBrowserCache', () => page.cdp('Network.clearBrowserCache')],
        ]),
      );
    },
    async aggressivePage(page) {
      return report(
        await each([
          ['trim', () => page.evaluate<TrimResult>(trim)],
          // Chromium then frees its own caches (decoded images, fonts, V8's code cache).
          ['pressure', () => page.cdp('Memory.simulatePressureNotification', { level: 'critical' })],
          ['collectGarbage', () => page.cdp('HeapProfiler.collectGarbage')],
        ]),
      );
    },
  };
}
