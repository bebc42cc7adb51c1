/**
 * The dashboard at /dashboard: one page and its two assets, bundled from ./ui at build time
 * (./bundle.ts, a macro) and served from memory, so it works from the executable alone and makes
 * no request to another host (its Content-Security-Policy allows this origin only). The page
 * and assets hold no data and need no API key — the page asks for the key and sends it on every
 * API call — but WAHA_DASHBOARD_PASSWORD puts basic auth in front of them. The dashboard's own
 * API routes (/api/dashboard/…) need the key like every route.
 */
import { Elysia, t } from 'elysia';
import type { Config } from '../../config';
import { UnauthorizedError } from '../../errors';
import { errorResponses } from '../../model';
import { bundleUi } from './bundle' with { type: 'macro' };
import { DashboardParams, DashboardSession, PairingState } from './model';
import { basicAuth, type DashboardService } from './service';

const UI = bundleUi();
const JS_PATH = `/dashboard/app.${UI.hash}.js`;
const CSS_PATH = `/dashboard/app.${UI.hash}.css`;
/** Elysia answers /dashboard/ with the /dashboard route too (paths are not strict). */
const PAGE_PATHS = ['/dashboard', '/dashboard/'];

/** The routes of the page and its assets, open without the API key (they hold no data). */
export const DASHBOARD_ROUTES = [PAGE_PATHS[0]!, JS_PATH, CSS_PATH] as const;

/** This origin only: no script, style, image or connection to any other host; no framing. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function page(keyRequired: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="wabun-auth" content="${keyRequired ? 'key' : 'none'}">
<title>wabun dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${CSS_PATH}">
</head>
<body>
<noscript>The dashboard needs JavaScript.</noscript>
<div id="app"></div>
<script type="module" src="${JS_PATH}"></script>
</body>
</html>
`;
}

const asset = (body: string, type: string) =>
  new Response(body, { headers: { ...SECURITY, 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' } });

export interface DashboardOptions {
  config: Pick<Config, 'WAHA_DASHBOARD_USERNAME' | 'WAHA_DASHBOARD_PASSWORD' | 'WAHA_NO_API_KEY'>;
  /** The dashboard's API; without it only the page is served. */
  service?: DashboardService;
}

/** The page, its assets and the dashboard's API routes. */
export const dashboardRoutes = ({ config, service }: DashboardOptions) => {
  const check = basicAuth(config.WAHA_DASHBOARD_USERNAME, config.WAHA_DASHBOARD_PASSWORD);
  const html = page(!config.WAHA_NO_API_KEY);
  const hook = {
    detail: { hide: true },
    beforeHandle: ({ request, set }: { request: Request; set: { headers: Record<string, string | number> } }) => {
      if (!check || check(request.headers.get('authorization'))) return;
      set.headers['www-authenticate'] = 'Basic realm="wabun dashboard", charset="UTF-8"';
      throw new UnauthorizedError();
    },
  };
  const routes = new Elysia({ tags: ['Dashboard'] })
    .get(
      PAGE_PATHS[0]!,
      () => new Response(html, { headers: { ...SECURITY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } }),
      hook,
    )
    .get(JS_PATH, () => asset(UI.js, 'text/javascript; charset=utf-8'), hook)
    .get(CSS_PATH, () => asset(UI.css, 'text/css; charset=utf-8'), hook);
  if (!service) return routes;
  return routes
    .get('/api/dashboard/sessions', () => service.sessions(), {
      detail: {
        operationId: 'DashboardController_sessions',
        summary: "Every session with its browser's memory and its last event (the dashboard's table)",
      },
      response: { 200: t.Array(DashboardSession), ...errorResponses(401) },
    })
    .get('/api/dashboard/sessions/:session/pairing', ({ params }) => service.pairing(params.session), {
      params: DashboardParams,
      detail: {
        operationId: 'DashboardController_pairing',
        summary: 'Status, the current QR as a PNG data URL (null unless SCAN_QR_CODE) and the account; never 422',
      },
      response: { 200: PairingState, ...errorResponses(400, 401, 404) },
    });
};
