/** Sessions, Auth (QR, pairing code) and Screenshot routes: thin, over the SessionManager. */
import { Elysia, t } from 'elysia';
import type { Principal } from '../../http/access';
import { principalOf } from '../../http/api-key';
import { errorResponses, Me } from '../../model';
import {
  Base64File,
  GetQuery,
  ListQuery,
  PairingCode,
  PngImage,
  QrQuery,
  QrValue,
  RequestCode,
  ScreenshotQuery,
  SessionCreate,
  SessionDetails,
  SessionInfo,
  SessionParams,
  SessionUpdate,
} from './model';
import { qrPng } from './qr';
import type { SessionManager } from './service';

type Set = { status?: number | string };
const created = <T>(set: Set, value: T) => {
  set.status = 201;
  return value;
};
const wantsJson = (request: Request) => (request.headers.get('accept') ?? '').includes('application/json');

/** A PNG as WAHA serves files: the bytes, or `{mimetype, data}` for `Accept: application/json`. */
const pngReply = (request: Request, png: Uint8Array) =>
  wantsJson(request)
    ? { mimetype: 'image/png', data: Buffer.from(png).toString('base64') }
    : new File([png as Uint8Array<ArrayBuffer>], 'image.png', { type: 'image/png' });

/** A key bound to a session lists that session only. */
const visibleTo = <T extends { name: string }>(p: Principal, list: T[]) =>
  p.kind === 'admin' ? list : list.filter((s) => s.name === p.session);

const lifecycle = { params: SessionParams, response: { 201: SessionInfo, ...errorResponses(400, 401, 404, 503) } };

const sessions = (m: SessionManager) =>
  new Elysia({ tags: ['Sessions'] })
    .get('/api/sessions', ({ query, request }) => visibleTo(principalOf(request), m.list(query.all, query.expand)), {
      query: ListQuery,
      detail: { summary: 'List sessions (STOPPED ones only with ?all=true)' },
      response: { 200: t.Array(SessionInfo), ...errorResponses(400, 401) },
    })
    .post('/api/sessions', async ({ body, set }) => created(set, await m.create(body)), {
      body: SessionCreate,
      detail: { summary: 'Create a session (and start it unless start=false)' },
      response: { 201: SessionInfo, ...errorResponses(400, 401, 422, 503) },
    })
    .get('/api/sessions/:session', ({ params, query }) => m.get(params.session, query.expand), {
      params: SessionParams,
      query: GetQuery,
      detail: { summary: 'One session, with its engine' },
      response: { 200: SessionDetails, ...errorResponses(400, 401, 404) },
    })
    .put('/api/sessions/:session', ({ params, body }) => m.update(params.session, body.config ?? null), {
      params: SessionParams,
      body: SessionUpdate,
      detail: { summary: 'Replace the config; a running session is restarted with it' },
      response: { 200: SessionInfo, ...errorResponses(400, 401, 404, 503) },
    })
    .delete(
      '/api/sessions/:session',
      async ({ params }) => {
        await m.delete(params.session);
      },
      {
        params: SessionParams,
        detail: { summary: 'Stop, log out and delete the session and its data (idempotent)' },
        response: { 200: t.Void(), ...errorResponses(400, 401, 503) },
      },
    )
    .post('/api/sessions/:session/start', async ({ params, set }) => created(set, await m.start(params.session)), {
      ...lifecycle,
      detail: { summary: 'Start the session (idempotent)' },
    })
    .post('/api/sessions/:session/stop', async ({ params, set }) => created(set, await m.stop(params.session)), {
      ...lifecycle,
      detail: { summary: 'Stop the session (idempotent)' },
    })
    .post('/api/sessions/:session/restart', async ({ params, set }) => created(set, await m.restart(params.session)), {
      ...lifecycle,
      detail: { summary: 'Stop and start the session' },
    })
    .post('/api/sessions/:session/logout', async ({ params, set }) => created(set, await m.logout(params.session)), {
      ...lifecycle,
      detail: { summary: 'Unlink the device and remove the login; a running session starts again for a new QR' },
    })
    .get('/api/sessions/:session/me', ({ params }) => m.me(params.session), {
      params: SessionParams,
      detail: { summary: 'The logged-in account, or null' },
      response: { 200: t.Union([Me, t.Null()]), ...errorResponses(400, 401, 404) },
    });

const qrRoute = {
  detail: { summary: 'QR code to link the device: PNG; JSON with Accept: application/json; ?format=raw for the string' },
  response: { 200: t.Union([PngImage, Base64File, QrValue]), ...errorResponses(400, 401, 404, 422) },
};

const auth = (m: SessionManager) => {
  const qr = async (session: string, format: 'image' | 'raw' | undefined, request: Request) => {
    const value = await m.qr(session);
    return format === 'raw' ? { value } : pngReply(request, await qrPng(value));
  };
  return new Elysia({ tags: ['Pairing'] })
    .get('/api/:session/auth/qr', ({ params, query, request }) => qr(params.session, query.format, request), {
      ...qrRoute,
      params: SessionParams,
      query: QrQuery,
    })
    .post(
      '/api/:session/auth/request-code',
      async ({ params, body, set }) => created(set, { code: await m.requestCode(params.session, body.phoneNumber) }),
      {
        params: SessionParams,
        body: RequestCode,
        detail: { summary: 'Pairing code to link by phone number instead of the QR' },
        response: { 201: PairingCode, ...errorResponses(400, 401, 404, 422, 502) },
      },
    )
    .get('/api/qr', ({ query, request }) => qr('default', query.format, request), {
      ...qrRoute,
      query: QrQuery,
      detail: { ...qrRoute.detail, summary: 'QR code of the default session', operationId: 'AuthController_getDefaultQR' },
    });
};

const screenshot = (m: SessionManager) =>
  new Elysia({ tags: ['Pairing'] }).get(
    '/api/screenshot',
    async ({ query, request }) => pngReply(request, await m.screenshot(query.session ?? 'default')),
    {
      query: ScreenshotQuery,
      detail: { summary: "PNG screenshot of the session's WhatsApp Web page" },
      response: { 200: t.Union([PngImage, Base64File]), ...errorResponses(400, 401, 404, 422) },
    },
  );

/** Every route of this module. */
export const sessionRoutes = (m: SessionManager) => new Elysia().use(sessions(m)).use(auth(m)).use(screenshot(m));
