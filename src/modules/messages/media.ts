/** A send's `file: {url | data}` as base64 media, bounded in scheme, address, size and time. */
import type { MediaInput } from '../../engine/types';
import { BadRequestError, PayloadTooLargeError } from '../../errors';
import { fetchBounded } from '../../net/fetch';
import type { OutboundPolicy } from '../../net/policy';

export interface MediaLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Where `file.url` may point (MEDIA_FETCH_ALLOW opens private addresses). */
  policy?: OutboundPolicy;
}

interface FileSpec {
  mimetype: string;
  filename?: string | null;
  url?: string;
  data?: string;
}

const MB = 1024 * 1024;

export async function resolveMedia(file: FileSpec, limits: MediaLimits): Promise<MediaInput> {
  if (file.data) {
    // Base64 carries 3 bytes per 4 characters: check before decoding anything.
    if (Math.floor((file.data.length * 3) / 4) > limits.maxBytes)
      throw new PayloadTooLargeError(`file.data is larger than ${Math.round(limits.maxBytes / MB)} MB (MEDIA_MAX_MB).`, {
        field: 'file.data',
      });
    if (!/^[A-Za-z0-9+/=\r\n]+$/.test(file.data))
      throw new BadRequestError('file.data must be base64 (no data: prefix).', { field: 'file.data' });
    return { mimetype: file.mimetype, filename: file.filename ?? null, data: file.data.replace(/\s+/g, '') };
  }
  if (!file.url) throw new BadRequestError('file needs either url or data.', { field: 'file' });
  const fetched = await fetchBounded(file.url, {
    maxBytes: limits.maxBytes,
    timeoutMs: limits.timeoutMs,
    policy: limits.policy,
    field: 'file.url',
    sizeVariable: 'MEDIA_MAX_MB',
    timeVariable: 'MEDIA_FETCH_TIMEOUT_MS',
  });
  return {
    mimetype: file.mimetype,
    filename: file.filename ?? filenameOf(fetched.url),
    data: Buffer.from(fetched.bytes).toString('base64'),
  };
}

/** The last path segment, decoded when it decodes (a broken %-escape is kept as it is). */
function filenameOf(url: URL): string | null {
  const last = url.pathname.split('/').pop();
  if (!last) return null;
  let name = last;
  try {
    name = decodeURIComponent(last);
  } catch {
    /* not valid percent-encoding: the raw segment is still a usable name */
  }
  return name.slice(0, 255) || null;
}
