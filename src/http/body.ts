/**
 * Request bodies, bounded before anything parses them: at most `limit` bytes (by Content-Length
 * when given, counted as it arrives when chunked), and a JSON body at most `maxDepth` levels
 * deep, valid UTF-8, with no lone UTF-16 surrogate escapes — each checked in one pass, in time
 * linear in the body, so no body can hold the event loop or reach a schema validator that would.
 */
import { BadRequestError, PayloadTooLargeError } from '../errors';

const MB = 1024 * 1024;

export interface BodyLimits {
  /** BODY_LIMIT_MB in bytes. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays a JSON body may have. */
  maxDepth: number;
}

const tooLarge = (limits: BodyLimits, size?: number) =>
  new PayloadTooLargeError(
    size === undefined
      ? `Request body is over the limit of ${limits.maxBytes / MB} MB (BODY_LIMIT_MB).`
      : `Request body is ${(size / MB).toFixed(1)} MB; the limit is ${limits.maxBytes / MB} MB (BODY_LIMIT_MB).`,
  );

/**
 * The declared Content-Length: null when absent, a 400 when it is not one non-negative whole
 * number (Bun's parser refuses most of those before we run; this covers the rest).
 */
export function declaredLength(header: string | null): number | null {
  if (header === null) return null;
  if (!/^\d{1,16}$/.test(header.trim())) throw new BadRequestError('Content-Length must be one non-negative whole number.');
  return Number(header.trim());
}

/** Reads the body, refusing it (413) as soon as it is over the limit. */
export async function readBody(request: Request, limits: BodyLimits): Promise<Uint8Array | null> {
  const length = declaredLength(request.headers.get('content-length'));
  if (length !== null && length > limits.maxBytes) throw tooLarge(limits, length);
  if (!request.body || length === 0) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      // The client closed the connection mid-body: its doing, not a failure of ours.
      throw new BadRequestError('The request body ended early: the connection closed before all of it arrived.');
    }
    const { done, value } = chunk;
    if (done || !value) break;
    size += value.byteLength;
    if (size > limits.maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limits);
    }
    chunks.push(value);
  }
  return size === 0 ? null : Buffer.concat(chunks);
}

/** True for a JSON media type (`application/json`, `…+json`), whatever its parameters. */
export function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * Refuses a body that does not come as JSON. Every body this API takes is a JSON object, checked
 * by `checkJson` and handed to the app as exactly `application/json`. Left to the app, Elysia
 * picks its parser by one character of the header (docs/runtime-facts.md): `application/jwt` would be
 * JSON no check here had seen, multipart fields are JSON-parsed unchecked, and a body it does not
 * parse becomes `{}` (a PUT that silently wipes a session's config).
 */
export function requireJsonType(contentType: string | null): void {
  if (isJson(contentType)) return;
  throw new BadRequestError(
    contentType === null
      ? 'A request body needs Content-Type: application/json.'
      : `The request body must be JSON, sent with Content-Type: application/json (not '${contentType.slice(0, 100)}').`,
  );
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a JSON body's text: an object at the root (every JSON body this API takes is one; an array,
 * string or number would otherwise meet schema defaults and turn into `{}`), UTF-8, depth,
 * surrogates. The rest of the syntax is the parser's to check.
 */
export function checkJson(bytes: Uint8Array, limits: BodyLimits): void {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new BadRequestError('The request body is not valid UTF-8.');
  }
  if (text.trimStart()[0] !== '{')
    throw new BadRequestError('The request body must be a JSON object ({…}), not an array, a string, a number or null.');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x22)
        inString = false; // "
      else if (c === 0x5c) {
        // \ : an escape; \uXXXX may be one half of a surrogate pair
        if (text.charCodeAt(i + 1) === 0x75) {
          const unit = Number.parseInt(text.slice(i + 2, i + 6), 16);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const next = text.slice(i + 6, i + 8) === '\\u' ? Number.parseInt(text.slice(i + 8, i + 12), 16) : Number.NaN;
            if (!(next >= 0xdc00 && next <= 0xdfff)) throw loneSurrogate();
            i += 11;
            continue;
          }
          if (unit >= 0xdc00 && unit <= 0xdfff) throw loneSurrogate();
          i += 5;
        } else i++;
      }
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      // { [
      if (++depth > limits.maxDepth)
        throw new BadRequestError(`The request body nests deeper than ${limits.maxDepth} levels of objects and arrays.`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

const loneSurrogate = () =>
  new BadRequestError('The request body holds a lone UTF-16 surrogate (\\ud800–\\udfff without its pair): not valid Unicode text.');
