/**
 * The API key: `X-Api-Key` header or `?x-api-key=`, compared in constant time, on every route but
 * the open ones. Which route a request is for is what the router matched (Elysia's `route`), never
 * a path parsed again from the URL, so no spelling of a path can reach a route without its key.
 *
 * A key is the server key (admin) or one of the stored keys (src/modules/api-keys), which may be
 * bound to a session: who the key is is settled before validation (401), what it may reach after
 * it (403, src/http/access.ts), when the session the request names is known — path, query or
 * body, with the schema's defaults applied.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Elysia } from 'elysia';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { type Principal, refusal } from './access';
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

/** The stored keys: who a presented key is, or null when it is none of them (or inactive). */
export interface KeyResolver {
  resolve(presented: string): Promise<Principal | null>;
}

const ADMIN: Principal = { kind: 'admin' };
const principals = new WeakMap<Request, Principal>();

/** Who made the request: its key's principal (admin when authentication is off or the route is open). */
export const principalOf = (request: Request): Principal => principals.get(request) ?? ADMIN;

/** The principal of a presented key: the server key is admin; else a stored key, if it is one. */
export async function authenticate(
  keyCheck: KeyCheck,
  stored: KeyResolver | null | undefined,
  presented: string | null,
): Promise<Principal | null> {
  if (!presented) return null;
  if (keyCheck.verify(presented)) return ADMIN;
  return (await stored?.resolve(presented)) ?? null;
}

/**
 * Refuses (401) a request without a valid key unless the route it matched is one of `openRoutes`
 * (route patterns as declared, e.g. `/health`), and (403) one whose key may not reach the route.
 * `keyCheck` null: authentication is off.
 */
export const apiKey = (keyCheck: KeyCheck | null, openRoutes: ReadonlySet<string>, stored?: KeyResolver | null) =>
  new Elysia({ name: 'wabun/api-key' })
    .onTransform({ as: 'global' }, async ({ route, request }) => {
      if (!keyCheck || openRoutes.has(route)) return;
      const principal = await authenticate(keyCheck, stored, presentedKey(request));
      if (!principal) throw new UnauthorizedError();
      principals.set(request, principal);
    })
    .onBeforeHandle({ as: 'global' }, ({ route, request, params, query, body }) => {
      const principal = principals.get(request);
      if (!principal || principal.kind === 'admin') return;
      const why = refusal(principal, { method: request.method, route, params, query, body });
      if (why) throw new ForbiddenError(why, { session: principal.session });
    });
