/**
 * Memory relief inside one session's browser, for the governor's steps: the in-page trim of old
 * messages (trim.ts), V8's collector in the page, the HTTP cache, and for the aggressive level a
 * critical memory-pressure signal (Chromium then frees decoded images, fonts, code caches).
 */
import type { Page } from 'puppeteer-core';
import type { ReliefLevel } from '../types';
import { type TrimResult, trimSource } from './trim';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One DevTools command through a short-lived session on the page. */
async function cdp(page: Page, method: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const session = await page.createCDPSession();
  try {
    const result: unknown = await session.send(method as 'Runtime.evaluate', params as never);
    return result;
  } finally {
    await session.detach().catch(() => {});
  }
}

/** Runs each call even when one fails; returns the trim's counts and the calls that failed. */
async function each(calls: [string, () => Promise<unknown>][]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const [name, call] of calls) {
    try {
      const result = await call();
      if (name === 'trim') out.trim = result;
    } catch (err) {
      errors.push(`${name}: ${messageOf(err)}`);
    }
  }
  if (errors.length) out.errors = errors;
  return out;
}

/**
 * One V8 collection in the page, for the moment WhatsApp Web has finished loading: its start-up
 * garbage (tens of MB on a busy account, docs/chromium.md) would otherwise stay until V8 gets to
 * it by itself, about half a minute later, and count in every memory reading (and against the
 * governor's thresholds) meanwhile. A failure is the caller's to log.
 */
export async function collectPageGarbage(page: Page): Promise<void> {
  await cdp(page, 'HeapProfiler.collectGarbage');
}

/** Relieves the page at `level`; errors are reported in the result, never thrown. */
export async function relieveMemory(page: Page, level: ReliefLevel, keepPerChat = 20): Promise<Record<string, unknown>> {
  const trim = trimSource(keepPerChat);
  // The trim is cheap (one pass over the chats) and safe (the open chat, the newest messages and
  // unacknowledged sends stay), so it runs first at both levels and the collection frees what it
  // dropped. Without it a busy session grew 8 % over a 20,000-message soak (BENCHMARKS.md).
  const runTrim = async () => {
    const result = (await page.evaluate(`(${trim})()`)) as TrimResult;
    return result;
  };
  if (level === 'cleanup') {
    return each([
      ['trim', runTrim],
      // V8's collector in the page; the heap of a busy WhatsApp Web tab is hundreds of MB.
      ['collectGarbage', () => cdp(page, 'HeapProfiler.collectGarbage')],
      // Cached responses (media thumbnails, scripts) held by the network service.
      ['clearBrowserCache', () => cdp(page, 'Network.clearBrowserCache')],
    ]);
  }
  return each([
    ['trim', runTrim],
    ['pressure', () => cdp(page, 'Memory.simulatePressureNotification', { level: 'critical' })],
    ['collectGarbage', () => cdp(page, 'HeapProfiler.collectGarbage')],
  ]);
}
