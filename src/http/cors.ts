/**
 * Cross-origin calls, answered at the edge the way WAHA answers them (its NestJS `enableCors()`
 * defaults, docs/cors.md): every `OPTIONS` is a preflight answered 204 before the key check, on
 * any path; every other answer, errors included, carries `Access-Control-Allow-Origin`.
 * CORS_ALLOWED_ORIGINS narrows the origins; `*` (the default, WAHA's) allows every one.
 */

/** Methods a preflight allows: WAHA's (the `cors` package's default list). */
export const CORS_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** Allowed when the preflight names no headers: what WAHA's clients send. */
export const CORS_DEFAULT_HEADERS = 'X-Api-Key,Content-Type';
/** Response headers a browser client may read besides the simple ones. */
export const CORS_EXPOSED_HEADERS = 'X-Request-Id,X-Memory-Usage-MB,Content-Disposition';

/** The edge's two hooks (src/http/edge.ts): answer preflights, decorate every response. */
export interface CorsHooks {
  preflight(request: Request): Response | null;
  headers(request: Request): Record<string, string>;
}

/** `origins`: `*` for all, or exact origins (`scheme://host[:port]`, lowercase, as config.ts parses them). */
export function cors(origins: readonly string[]): CorsHooks {
  const any = origins.length === 0 || origins.includes('*');
  const allowed = new Set(origins);

  /** The allow-origin part: `*`, the request's origin when listed, or nothing (with Vary, the answer depends on it). */
  const originHeaders = (request: Request): Record<string, string> => {
    if (any) return { 'access-control-allow-origin': '*' };
    const origin = request.headers.get('origin');
    const out: Record<string, string> = { vary: 'Origin' };
    if (origin && allowed.has(origin.toLowerCase())) out['access-control-allow-origin'] = origin;
    return out;
  };

  return {
    preflight(request) {
      if (request.method !== 'OPTIONS') return null;
      const headers: Record<string, string> = { ...originHeaders(request), 'access-control-allow-methods': CORS_METHODS };
      const requested = request.headers.get('access-control-request-headers');
      if (requested) {
        headers['access-control-allow-headers'] = requested;
        headers.vary = headers.vary ? `${headers.vary}, Access-Control-Request-Headers` : 'Access-Control-Request-Headers';
      } else {
        headers['access-control-allow-headers'] = CORS_DEFAULT_HEADERS;
      }
      return new Response(null, { status: 204, headers: { ...headers, 'content-length': '0' } });
    },
    headers(request) {
      if (request.method === 'OPTIONS') return originHeaders(request);
      return { ...originHeaders(request), 'access-control-expose-headers': CORS_EXPOSED_HEADERS };
    },
  };
}

/** Why `value` is not an origin CORS_ALLOWED_ORIGINS can hold, or null when it is one (then `normalizeOrigin` gives its form). */
export function originProblem(value: string): string | null {
  if (value === '*') return null;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'not an http(s) URL';
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password)
    return 'a URL with a path, query or user name (an origin is scheme://host[:port])';
  return null;
}

/** The origin as a browser sends it in `Origin`: lowercase scheme and host, no default port, no slash. */
export const normalizeOrigin = (value: string): string => (value === '*' ? '*' : new URL(value).origin);
