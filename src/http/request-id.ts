/**
 * Every request gets an id: the client's `X-Request-Id` when it gives a sane one, else a fresh
 * UUID. It is echoed in the `X-Request-Id` response header, carried by every log line about the
 * request, and quoted in 5xx answers.
 */
import { Elysia } from 'elysia';

const ids = new WeakMap<Request, { id: string; started: number }>();
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id and start time (assigned on first use). */
export function requestState(request: Request): { id: string; started: number } {
  let s = ids.get(request);
  if (!s) {
    const given = request.headers.get('x-request-id');
    s = { id: given && SANE.test(given) ? given : crypto.randomUUID(), started: performance.now() };
    ids.set(request, s);
  }
  return s;
}

export const requestIdOf = (request: Request): string => requestState(request).id;

export const requestId = () =>
  new Elysia({ name: 'wabun/request-id' }).onRequest(({ request, set }) => {
    set.headers['x-request-id'] = requestIdOf(request);
  });
