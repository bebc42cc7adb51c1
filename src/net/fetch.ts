/**
 * Fetching a client-given URL (media to send), bounded in every way a hostile or broken server
 * could stretch it: scheme, address (checked at every redirect hop), redirects, size and time.
 * Each failure is the HttpError that says what happened: 400 a bad or refused URL, 413 too large,
 * 502 the server failed, 504 too slow.
 */
import { BadRequestError, HttpError, PayloadTooLargeError } from '../errors';
import type { OutboundPolicy } from './policy';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
  policy?: OutboundPolicy;
  /** What the URL is called in messages, e.g. "file.url". */
  field: string;
  /** The variable that sets maxBytes / timeoutMs, for the messages. */
  sizeVariable: string;
  timeVariable: string;
}

export interface Fetched {
  bytes: Uint8Array;
  contentType: string | null;
  /** The URL the bytes came from, after redirects. */
  url: URL;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MB = 1024 * 1024;

export async function fetchBounded(raw: string, limits: FetchLimits): Promise<Fetched> {
  const { field } = limits;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError(`${field} is not a valid URL.`, { field });
  }
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const tooSlow = () =>
    new HttpError(504, `Fetching ${field} took longer than ${limits.timeoutMs} ms (${limits.timeVariable}).`, { field });
  const tooLarge = () =>
    new PayloadTooLargeError(`The file at ${field} is larger than ${Math.round(limits.maxBytes / MB)} MB (${limits.sizeVariable}).`, {
      field,
    });
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new BadRequestError(`${field} must be an http or https URL${hop ? ' (a redirect led elsewhere)' : ''}.`, { field });
    let refused: string | null | undefined;
    try {
      refused = await limits.policy?.refusal(url, signal);
    } catch (e) {
      if (signal.aborted) throw tooSlow();
      throw e;
    }
    if (refused) throw new BadRequestError(`${field} refused${hop ? ` at redirect ${hop}` : ''}: ${refused}.`, { field });
    let res: Response;
    try {
      res = await fetch(url, { signal, redirect: 'manual' });
    } catch (e) {
      if (signal.aborted) throw tooSlow();
      throw new HttpError(502, `Could not fetch ${field}: ${e instanceof Error ? e.message : String(e)}`, { field });
    }
    if (REDIRECTS.has(res.status)) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get('location');
      if (!location) throw new HttpError(502, `Fetching ${field} answered ${res.status} without a Location.`, { field });
      if (hop >= (limits.maxRedirects ?? 5))
        throw new HttpError(502, `Fetching ${field} redirected more than ${limits.maxRedirects ?? 5} times.`, { field });
      try {
        url = new URL(location, url);
      } catch {
        throw new HttpError(502, `Fetching ${field} redirected to an invalid URL.`, { field });
      }
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new HttpError(502, `Fetching ${field} answered ${res.status}.`, { field, url: url.origin + url.pathname });
    }
    if (Number(res.headers.get('content-length') ?? 0) > limits.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
        if (done || !value) break;
        size += value.byteLength;
        if (size > limits.maxBytes) {
          await reader?.cancel().catch(() => {});
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof HttpError) throw e;
      if (signal.aborted) throw tooSlow();
      throw new HttpError(502, `Reading ${field} failed: ${e instanceof Error ? e.message : String(e)}`, { field });
    }
    return { bytes: Buffer.concat(chunks), contentType: res.headers.get('content-type'), url };
  }
}
