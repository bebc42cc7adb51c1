/**
 * A Chrome DevTools trace of a session's page (WAHA's debug `browser/trace`), over the page's own
 * DevTools session. puppeteer's `page.tracing` reads the whole trace into memory however large it
 * grows; here the trace comes back as a DevTools stream read in chunks, and reading stops (413) once
 * it passes `maxBytes`.
 */
import type { Page } from 'puppeteer-core';
import { PayloadTooLargeError } from '../../errors';
import type { TraceOptions } from '../types';

const CHUNK = 1 << 20;

/** The trace.json of `page` over `opts.seconds`, as bytes. */
export async function traceBrowser(page: Page, opts: TraceOptions): Promise<Uint8Array> {
  const cdp = await page.createCDPSession();
  try {
    const complete = new Promise<{ stream?: string }>((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: {
        includedCategories: opts.categories.filter((c) => !c.startsWith('-')),
        excludedCategories: opts.categories.filter((c) => c.startsWith('-')).map((c) => c.slice(1)),
      },
    });
    await new Promise((resolve) => setTimeout(resolve, opts.seconds * 1000));
    await cdp.send('Tracing.end');
    const { stream } = await complete;
    if (!stream) throw new Error('Chromium returned no trace stream');
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const part = await cdp.send('IO.read', { handle: stream, size: CHUNK });
        const bytes = part.base64Encoded ? Buffer.from(part.data, 'base64') : Buffer.from(part.data, 'utf8');
        size += bytes.byteLength;
        if (size > opts.maxBytes)
          throw new PayloadTooLargeError(
            `The trace passed ${Math.round(opts.maxBytes / 1048576)} MB: ask for fewer seconds or fewer categories (e.g. categories=devtools.timeline).`,
            { maxBytes: opts.maxBytes },
          );
        chunks.push(bytes);
        if (part.eof) break;
      }
    } finally {
      await cdp.send('IO.close', { handle: stream }).catch(() => {});
    }
    const trace = Buffer.concat(chunks);
    return trace;
  } finally {
    await cdp.detach().catch(() => {});
  }
}
