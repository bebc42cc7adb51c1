/**
 * What the edge reads from a request line without ever throwing: the Host header, checked
 * strictly, and the request target (path and query) taken from `request.url` the way Bun built
 * it. Bun turns a Host it cannot use into a relative `request.url`, and a Host with odd characters
 * into an absolute one that `new URL()` rejects, so neither is parsed as a URL here.
 */

/** A host name, an IPv4 address or a bracketed IPv6 address, with an optional port 1–65535. */
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,62})?)*\.?|\[[0-9A-Fa-f:.]{2,45}(?:%[A-Za-z0-9._~-]+)?\])(?::(\d{1,5}))?$/;

/** A usable Host header value (or no header at all, which HTTP/1.0 allows). */
export function isValidHost(host: string | null): boolean {
  if (host === null) return true;
  if (host.length > 260) return false;
  const m = HOST.exec(host);
  if (!m) return false;
  const port = m[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/** The path and query of `request.url` (absolute or relative), starting with `/`. */
export function requestTarget(url: string): string {
  if (url.startsWith('/')) return url;
  const scheme = url.indexOf('://');
  const slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
  return slash < 0 ? '/' : url.slice(slash);
}

/** The path of a request target, without its query. */
export function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/** The query string of a request target (after `?`), '' when there is none. */
export function queryOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? '' : target.slice(q + 1);
}
