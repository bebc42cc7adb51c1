/**
 * What a key may reach. The server key (WAHA_API_KEY) and stored admin keys reach everything; a
 * key bound to a session reaches that session's routes within its actions (WAHA's
 * SessionActions), the server's read-only status routes, and the session list (narrowed to its
 * session); a media key reaches only its session's files. Pure: the route as the router matched
 * it, and the request's params, query and body as validated (so defaults such as
 * `session: 'default'` count).
 */
import type { KeyActions } from '../store/types';

export type SessionAction = keyof KeyActions;

/** Who a presented key is. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'session'; session: string; actions: Required<KeyActions>; keyId: string }
  | { kind: 'media'; session: string; keyId: string };

/** A session key created without actions may do this (WAHA's defaults: all but deleting the session). */
export const DEFAULT_ACTIONS: Required<KeyActions> = { read: true, send: true, control: true, setting: true, app: true, delete: false };
/** A control key: the session's lifecycle and pairing, nothing else. */
export const CONTROL_ACTIONS: Required<KeyActions> = { read: false, send: false, control: true, setting: false, app: false, delete: false };

export interface RouteRequest {
  method: string;
  /** The route pattern as declared, e.g. `/api/:session/groups/:id`. */
  route: string;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** Server routes a session key may read: who the server is and how it is doing, nothing about other sessions. */
const SERVER_READS = new Set(['/api/server/version', '/api/server/status', '/api/version', '/api/info', '/api/sessions']);
/** Open to any key but a media key: what each tool reaches is checked per call (src/modules/mcp). */
const ANY_KEY = new Set(['/mcp']);
const FILES = '/api/files/:session/:file';

const CONTROL_ROUTES = new Set([
  '/api/sessions/:session/start',
  '/api/sessions/:session/stop',
  '/api/sessions/:session/restart',
  '/api/sessions/:session/logout',
  '/api/:session/auth/qr',
  '/api/:session/auth/request-code',
  '/api/qr',
]);
/** What any key of the session may read: the session itself. */
const RETRIEVE_ROUTES = new Set(['/api/sessions/:session', '/api/sessions/:session/me']);

const str = (x: unknown) => (typeof x === 'string' && x ? x : null);

/** The session a request is about: path `:session`, else query `session`, else body `session` (WAHA puts it in all three). */
export function sessionOf(r: RouteRequest): string | null {
  if (r.route === '/api/qr') return 'default';
  const body = r.body && typeof r.body === 'object' ? (r.body as Record<string, unknown>) : {};
  return str(r.params?.session) ?? str(r.query?.session) ?? str(body.session);
}

/** The action a session route needs (or 'retrieve', which every key of the session has). */
export function actionOf(method: string, route: string): SessionAction | 'retrieve' {
  if (route === '/api/sessions/:session') {
    if (method === 'DELETE') return 'delete';
    if (method === 'PUT') return 'setting';
  }
  if (RETRIEVE_ROUTES.has(route) && method === 'GET') return 'retrieve';
  if (CONTROL_ROUTES.has(route)) return 'control';
  if (route.startsWith('/api/apps')) return 'app';
  if (route === '/api/keys/media') return 'read';
  if (route === '/api/keys/control') return 'control';
  return method === 'GET' || method === 'HEAD' ? 'read' : 'send';
}

/** null when `p` may make the request; else why not (the 403's message). */
export function refusal(p: Principal, r: RouteRequest): string | null {
  if (p.kind === 'admin') return null;
  const session = sessionOf(r);
  if (p.kind === 'media') {
    if (r.route === FILES && session === p.session) return null;
    return `This is a media key of session '${p.session}': it downloads that session's files (/api/files/${p.session}/…) and nothing else.`;
  }
  if (ANY_KEY.has(r.route) || (SERVER_READS.has(r.route) && r.method === 'GET')) return null;
  const keyRoute = r.route.startsWith('/api/keys');
  if ((keyRoute && r.route !== '/api/keys/media' && r.route !== '/api/keys/control') || !session)
    return `This key is bound to session '${p.session}'; ${r.method} ${r.route} needs an admin key.`;
  if (session !== p.session) return `This key is bound to session '${p.session}' and may not use session '${session}'.`;
  const action = actionOf(r.method, r.route);
  if (action !== 'retrieve' && !p.actions[action])
    return `This key may not '${action}' in session '${p.session}' (its actions: ${granted(p.actions)}).`;
  return null;
}

const granted = (a: Required<KeyActions>) =>
  Object.entries(a)
    .filter(([, on]) => on)
    .map(([k]) => k)
    .join(', ') || 'none';

/** Which sessions' events `p` may receive over /ws: all (null), or only its own when it may read them; false: none. */
export function eventScope(p: Principal): string | null | false {
  if (p.kind === 'admin') return null;
  if (p.kind === 'session' && p.actions.read) return p.session;
  return false;
}
