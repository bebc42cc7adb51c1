/**
 * Any node answers (docs/cluster.md): a request that names a session — in its path, its query
 * or its JSON body — which another live node runs is sent on to that node and its answer streamed
 * back; while a session that should run has no live owner (a failover), the answer is 503 with
 * `Retry-After`. A forwarded request carries the forwarding node's id and is never forwarded again.
 */
import { SESSION_NAME_PATTERN } from '../config';
import { errorResponse } from '../http/errors';
import type { Logger } from '../log';
import type { ClusterNode } from './node';

/** Set on a forwarded request: the node that sent it on. A request that has it is answered where it lands. */
export const FORWARDED_HEADER = 'x-wabun-forwarded-by';

const NAME = new RegExp(SESSION_NAME_PATTERN);
/** The features served under `/api/{session}/…`. */
const SESSION_FEATURES = new Set([
  'auth',
  'calls',
  'channels',
  'chats',
  'contacts',
  'groups',
  'labels',
  'lids',
  'media',
  'presence',
  'profile',
  'status',
]);
/** First segments of `/api/…` routes that are not a session's name. */
const NOT_SESSIONS = new Set([
  'apps',
  'contacts',
  'dashboard',
  'files',
  'keys',
  'server',
  'sessions',
  'webhooks',
  'version',
  'info',
  'qr',
  'screenshot',
]);
/** Headers that belong to one connection, not to the request or answer. */
const HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host', 'content-length'];

/** The session a request is about, or null: `/api/sessions/{name}…`, `/api/{session}/<feature>…`, `/api/files/{session}/…`, `?session=`, or a JSON body's `session`. */
export function sessionOfRequest(target: string, body: Uint8Array | null): string | null {
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const parts = path.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  let name: string | null = null;
  if (parts[1] === 'api') {
    if (parts[2] === 'sessions' && parts[3]) name = parts[3];
    else if (parts[2] === 'files' && parts[3] && parts[4]) name = parts[3];
    else if (parts[2] === 'dashboard' && parts[3] === 'sessions' && parts[4]) name = parts[4];
    else if (parts[2] && !NOT_SESSIONS.has(parts[2]) && parts[3] && SESSION_FEATURES.has(parts[3])) name = parts[2];
  }
  if (!name && q !== -1) name = new URLSearchParams(target.slice(q + 1)).get('session');
  if (!name && body && body.byteLength > 0) {
    try {
      const json = JSON.parse(new TextDecoder().decode(body)) as { session?: unknown } | null;
      if (json && typeof json === 'object' && !Array.isArray(json) && typeof json.session === 'string') name = json.session;
    } catch {
      /* not JSON: the app answers it */
    }
  }
  return name && NAME.test(name) ? name : null;
}

export interface Forwarder {
  /** The owner's answer, a 503 during a failover, or null: this node answers. */
  route(request: Request, target: string, body: Uint8Array | null, requestId: string): Promise<Response | null>;
}

export function createForwarder(o: { cluster: ClusterNode; log: Logger; claimMs: number }): Forwarder {
  const busy = (session: string, waitMs: number, requestId: string): Response => {
    // The lease left to run out, then one claim round.
    const sec = Math.max(1, Math.ceil((waitMs + o.claimMs) / 1000));
    const res = errorResponse(503, `Session '${session}' is moving to another node; try again in ${sec} s.`, { session }, requestId);
    res.headers.set('retry-after', String(sec));
    return res;
  };
  return {
    async route(request, target, body, requestId) {
      const session = sessionOfRequest(target, body);
      if (!session || o.cluster.holds(session)) return null;
      const h = await o.cluster.holder(session);
      // Unknown (the app's 404), or stopped (any node may start it): answered here.
      if (!h?.running) return null;
      if (!h.live || !h.owner || !h.url || h.owner === o.cluster.me || request.headers.has(FORWARDED_HEADER))
        return busy(session, h.live ? h.remainingMs : 0, requestId);
      const headers = new Headers(request.headers);
      for (const k of HOP) headers.delete(k);
      headers.set(FORWARDED_HEADER, o.cluster.me);
      headers.set('x-request-id', requestId);
      headers.set('accept-encoding', 'identity');
      let res: Response;
      try {
        res = await fetch(h.url.replace(/\/$/, '') + target, {
          method: request.method,
          headers,
          body: body as BodyInit | null,
          redirect: 'manual',
          signal: request.signal,
        });
      } catch (err) {
        // The owner is gone before its lease ran out (a kill -9): its sessions move once it expires.
        o.log.warn('forward to the session owner failed', {
          session,
          owner: h.owner,
          error: err instanceof Error ? err.message : String(err),
        });
        return busy(session, h.remainingMs, requestId);
      }
      const out = new Headers(res.headers);
      for (const k of [...HOP, 'content-encoding']) out.delete(k);
      out.set('x-wabun-worker', h.owner);
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out });
    },
  };
}
