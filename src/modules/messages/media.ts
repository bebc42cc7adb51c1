import type { MediaInput } from '../../engine/types';
import { BadRequestError, HttpError, PayloadTooLargeError } from '../../errors';

export interface MediaLimits {
  maxBytes: number;
  timeoutMs: number;
}

interface FileSpec {
  mimetype: string;
  filename?: string | null;
  url?: string;
  data?: string;
}

const MB = 1024 * 1024;
const tooLarge = (limits: MediaLimits, what: string) =>
  new PayloadTooLargeError(`${what} is larger than ${Math.round(limits.maxBytes / MB)} MB (MEDIA_MAX_MB).`);

/** Turns `file: {url | data}` into base64 media, bounded in scheme, size and time. */
export async function resolveMedia(file: FileSpec, limits: MediaLimits): Promise<MediaInput> {
  if (file.data) {
    // Base64 carries 3 bytes per 4 characters: check before decoding anything.
    if (Math.floor((file.data.length * 3) / 4) > limits.maxBytes) throw tooLarge(limits, 'file.data');
    if (!/^[A-Za-z0-9+/=\r\n]+$/.test(file.data)) throw new BadRequestError('file.data must be base64 (no data: prefix).');
    return { mimetype: file.mimetype, filename: file.filename ?? null, data: file.data.replace(/\s+/g, '') };
  }
  if (!file.url) throw new BadRequestError('file needs either url or data.', { field: 'file' });
  return { mimetype: file.mimetype, filename: file.filename ?? filenameOf(file.url), data: await fetchBounded(file.url, limits) };
}

function filenameOf(url: string): string | null {
  const last = new URL(url).pathname.split('/').pop();
  return last ? decodeURIComponent(last).slice(0, 255) : null;
}

async function fetchBounded(raw: string, limits: MediaLimits): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError('file.url is not a valid URL.', { field: 'file.url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BadRequestError('file.url must be an http or https URL.', { field: 'file.url', scheme: url.protocol });

  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(limits.timeoutMs), redirect: 'follow' });
  } catch (e) {
    const timedOut = e instanceof Error && e.name === 'TimeoutError';
    throw new HttpError(
      timedOut ? 504 : 502,
      timedOut
        ? `Fetching file.url took longer than ${limits.timeoutMs} ms (MEDIA_FETCH_TIMEOUT_MS).`
        : `Could not fetch file.url: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (!res.ok) throw new HttpError(502, `Fetching file.url answered ${res.status}.`, { url: url.origin + url.pathname });
  if (Number(res.headers.get('content-length') ?? 0) > limits.maxBytes) {
    await res.body?.cancel();
    throw tooLarge(limits, 'The file at file.url');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limits.maxBytes) {
      await res.body?.cancel();
      throw tooLarge(limits, 'The file at file.url');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('base64');
}
