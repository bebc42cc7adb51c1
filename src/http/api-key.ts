/**
 * The API key: `X-Api-Key` header or `?x-api-key=`, compared in constant time, on every route but
 * the open ones. Which route a request is for is what the router matched (Elysia's `route`), never
 * a path parsed again from the URL, so no spelling of a path can reach a route without its key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Elysia } from 'elysia';
import { UnauthorizedError } from '../errors';
import { queryOf, requestTarget } from './host';

/** Checks a presented API key against the configured one, in constant time. */
export interface KeyCheck {
  verify(presented: string | null | undefined): boolean;
}

const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest();

/**
 * `configured` is plain text or `sha512:<hex>` (WAHA's two forms; config.ts has checked the hex).
 * Both sides are reduced to a SHA-512 digest first, so the comparison is over equal lengths and
 * leaks neither length nor prefix.
 */
export function createKeyCheck(configured: string): KeyCheck {
  const expected = configured.toLowerCase().startsWith('sha512:')
    ? Buffer.from(configured.slice('sha512:'.length).trim(), 'hex')
    : sha512(configured);
  return {
    verify(presented) {
      if (!presented) return false;
      return timingSafeEqual(sha512(presented), expected);
    },
  };
}

/** A fresh key for when none is configured (WAHA prints one at start). */
export const generateKey = () => randomBytes(24).toString('hex');

/** The key a request presents: the header, else the query parameter. */
export function presentedKey(request: Request): string | null {
  return request.headers.get('x-api-key') ?? new URLSearchParams(queryOf(requestTarget(request.url))).get('x-api-key');
}

/**
 * Refuses (401) a request without the key unless the route it matched is one of `openRoutes`
 * (route patterns as declared, e.g. `/health`). `keyCheck` null: authentication is off.
 */
export const apiKey = (keyCheck: KeyCheck | null, openRoutes: ReadonlySet<string>) =>
  new Elysia({ name: 'wabun/api-key' }).onTransform({ as: 'global' }, ({ route, request }) => {
    if (!keyCheck || openRoutes.has(route)) return;
    if (!keyCheck.verify(presentedKey(request))) throw new UnauthorizedError();
  });
