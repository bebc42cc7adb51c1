/**
 * The HTTP edge: what every request passes before the app sees it, in the Bun server's own fetch
 * handler. In order: a request id; the Host header checked (a malformed one is a 400 before
 * anything else runs); the request target read from the request line without URL parsing that
 * could throw; GETs of the WebSocket path handed to their route; the body read within its limits,
 * of a JSON type (handed on as exactly application/json) and checked for depth and Unicode; then
 * the app gets a request with a canonical URL, so its router and every hook see the same path
 * whatever the Host was. Anything that fails on the way, and anything that escapes the app, is
 * answered in the one error shape and logged once.
 */
import type { Server, WebSocketHandler } from 'bun';
import { HttpError } from '../errors';
import type { Logger } from '../log';
import { type BodyLimits, checkJson, readBody, requireJsonType } from './body';
import { errorResponse } from './errors';
import { isValidHost, pathOf, requestTarget } from './host';
import { requestState } from './request-id';

/** The app behind the edge: anything that answers a Request (Elysia's `handle`). */
export interface AppHandler {
  handle(request: Request): Promise<Response>;
}

/** A WebSocket route served at the edge (Elysia cannot upgrade a request it did not receive). */
export interface UpgradeRoute<Data> {
  path: string;
  /** Upgrades `request` on `server` and returns undefined, or answers (an error) instead. */
  upgrade(request: Request, server: Server<Data>, target: string): Response | undefined | Promise<Response | undefined>;
  websocket: WebSocketHandler<Data>;
}

export interface EdgeOptions<Data> {
  app: AppHandler;
  log: Logger;
  limits: BodyLimits;
  /** Headers added to every answer (CORS, the memory figure); called once per response. `Vary` is merged, not replaced. */
  headers?: (request: Request) => Record<string, string>;
  /** Answers a request before everything else when it returns a Response (CORS preflights). */
  preflight?: (request: Request) => Response | null;
  ws?: UpgradeRoute<Data>;
  /**
   * Answers a request elsewhere (a cluster's owner of the session it names) when it returns a
   * Response; null: the app answers. Given the whole body, once read and checked.
   */
  route?: (request: Request, target: string, body: Uint8Array | null, requestId: string) => Promise<Response | null>;
}

/** Adds the tokens of `value` to the response's `Vary` (a cache keys on all of them), keeping those already there. */
function setVary(headers: Headers, value: string): void {
  const tokens = (headers.get('vary') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean))
    if (!tokens.some((x) => x.toLowerCase() === t.toLowerCase())) tokens.push(t);
  headers.set('vary', tokens.join(', '));
}

/** The canonical origin the app sees: long enough for Elysia's router, and never taken from the client. */
export const CANONICAL_ORIGIN = 'http://wabun.internal';

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createEdge<Data>(o: EdgeOptions<Data>) {
  const apply = (request: Request, headers: Headers, id: string): void => {
    headers.set('x-request-id', id);
    for (const [k, v] of Object.entries(o.headers?.(request) ?? {})) {
      if (k.toLowerCase() === 'vary') setVary(headers, v);
      else headers.set(k, v);
    }
  };
  const decorate = (request: Request, res: Response, id: string): Response => {
    try {
      apply(request, res.headers, id);
      return res;
    } catch {
      // Some responses (a static file) come with immutable headers: answer with a copy.
      const copy = new Response(res.body, res);
      apply(request, copy.headers, id);
      return copy;
    }
  };

  const fail = (request: Request, id: string, err: unknown, stage: string): Response => {
    if (err instanceof HttpError) {
      o.log.info('request refused at the edge', { requestId: id, method: request.method, status: err.status, error: err.message });
      return decorate(request, errorResponse(err.status, err.message, err.details, id, err.fields), id);
    }
    o.log.error('request failed at the edge', {
      requestId: id,
      stage,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return decorate(request, errorResponse(500, `Unexpected error. Quote request id ${id} when reporting it.`, undefined, id), id);
  };

  async function fetch(request: Request, server: Server<Data>): Promise<Response | undefined> {
    const { id } = requestState(request);
    let stage = 'host';
    try {
      if (!isValidHost(request.headers.get('host')))
        throw new HttpError(400, 'The Host header is not a valid host name, IPv4 or [IPv6] address with an optional port 1–65535.');
      const target = requestTarget(request.url);
      stage = 'preflight';
      const early = o.preflight?.(request);
      if (early) return decorate(request, early, id);
      // Every GET of the path, upgrade or not: a plain GET gets the route's own 400, not a 404.
      if (o.ws && request.method === 'GET' && pathOf(target) === o.ws.path) {
        stage = 'upgrade';
        const refused = await o.ws.upgrade(request, server, target);
        return refused && decorate(request, refused, id);
      }
      stage = 'body';
      let body: Uint8Array | null = null;
      if (!METHODS_WITHOUT_BODY.has(request.method)) {
        body = await readBody(request, o.limits);
        if (body) {
          requireJsonType(request.headers.get('content-type'));
          checkJson(body, o.limits);
        }
      }
      if (o.route) {
        stage = 'route';
        const routed = await o.route(request, target, body, id);
        if (routed) return decorate(request, routed, id);
      }
      stage = 'app';
      const headers = new Headers(request.headers);
      headers.set('x-request-id', id);
      // The body is whole now: its length is known, whatever framing it came in.
      headers.delete('transfer-encoding');
      if (body) {
        headers.set('content-length', String(body.byteLength));
        headers.set('content-type', 'application/json');
      } else headers.delete('content-length');
      const inner = new Request(CANONICAL_ORIGIN + target, {
        method: request.method,
        headers,
        body: body as BodyInit | null,
        signal: request.signal,
      });
      return decorate(request, await o.app.handle(inner), id);
    } catch (err) {
      return fail(request, id, err, stage);
    }
  }

  /** Bun's server-level handler: whatever escapes `fetch` (it should not) still gets the error shape. */
  function error(err: Error): Response {
    o.log.error('unhandled server error', { error: err.message, stack: err.stack });
    return errorResponse(500, 'Unexpected error.');
  }

  return { fetch, error, websocket: o.ws?.websocket };
}

export type Edge = ReturnType<typeof createEdge>;
