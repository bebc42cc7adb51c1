import { toOpenAPISchema } from '@elysiajs/openapi';
import { type AnyElysia, Elysia } from 'elysia';
import cssPath from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' };
// Embedded in the compiled binary: the docs page makes no request to any other host.
import bundlePath from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' };
import { VERSION } from '../../version';
import { operationKey } from './catalog';
import { buildDocument, type Generated, type OpenApiDocument } from './document';
import { swaggerPage } from './page';

const ASSETS = '/docs/assets';
const BUNDLE = `${ASSETS}/swagger-ui-bundle.js`;
const CSS = `${ASSETS}/swagger-ui.css`;

/** The docs page, its spec and its assets: open without a key (they hold no data). */
export const DOCS_ROUTES = ['/docs', '/docs/json', BUNDLE, CSS] as const;

const INFO = {
  title: 'wabun — WhatsApp HTTP API',
  version: VERSION,
  description:
    "WAHA's REST API on Bun, driving real WhatsApp Web in Chromium: WAHA's operations keep WAHA's operationIds and tags. " +
    'Send the key in the X-Api-Key header (or the x-api-key query parameter): use Authorize.',
};

/** /ws is a WebSocket upgrade, which Elysia does not describe: written out here. */
const WS_PATH = {
  '/ws': {
    get: {
      summary: 'Live events over WebSocket: the webhook envelopes, filtered by session and event',
      description:
        'Connect with ws://host/ws?session=*&events=*&x-api-key=… — each message is one envelope as JSON, as a webhook receives it. ' +
        'Not durable: webhooks are. Unknown event names are accepted (they match nothing yet).',
      operationId: 'EventsController_websocket',
      tags: ['📅 Events'],
      parameters: [
        { name: 'session', in: 'query', schema: { type: 'string', default: '*' }, description: 'A session name, or * for all' },
        { name: 'events', in: 'query', schema: { type: 'string', default: '*' }, description: 'Comma list of event names, or * for all' },
        { name: 'x-api-key', in: 'query', schema: { type: 'string' }, description: 'The API key, where a header cannot be sent' },
      ],
      responses: {
        '101': { description: 'Switching Protocols: the connection is a WebSocket' },
        '400': { description: 'Not a WebSocket upgrade, or a bad parameter' },
        '401': { description: 'Missing or wrong API key' },
        '403': { description: 'The key is bound to another session than the one asked for' },
      },
    },
  },
};

export interface DocsOptions {
  /** The whole app, read when the document is first asked for (every route is in place by then). */
  app: () => AnyElysia;
  /** Whether a route pattern (`/api/:session/chats`) is open without a key. */
  isOpen: (pattern: string) => boolean;
}

/** The document and what did not fit while building it (tests assert there is nothing). */
export function documentOf(app: AnyElysia, isOpen: DocsOptions['isOpen']): { document: OpenApiDocument; problems: string[] } {
  const declared = new Map<string, string>();
  for (const route of app.routes) {
    const id = (route.hooks as { detail?: { operationId?: string } } | undefined)?.detail?.operationId;
    if (id) declared.set(operationKey(route.method, route.path), id);
  }
  return buildDocument({
    generated: toOpenAPISchema(app) as unknown as Generated,
    declared,
    isOpen: (path) => isOpen(path.replace(/\{([^}]+)\}/g, ':$1')),
    info: INFO,
    extraPaths: WS_PATH,
  });
}

/** The Swagger page at /docs and the OpenAPI document at /docs/json, served entirely from the binary. */
export function docsRoutes(o: DocsOptions) {
  let document: OpenApiDocument | null = null;
  const page = swaggerPage({ title: INFO.title, specUrl: '/docs/json', bundleUrl: BUNDLE, cssUrl: CSS });
  const asset = (path: string, type: string) =>
    new Response(Bun.file(path), { headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' } });
  return new Elysia({ name: 'docs' })
    .get('/docs', () => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } }), { detail: { hide: true } })
    .get('/docs/json', () => (document ??= documentOf(o.app(), o.isOpen).document), { detail: { hide: true } })
    .get(BUNDLE, () => asset(bundlePath, 'text/javascript; charset=utf-8'), { detail: { hide: true } })
    .get(CSS, () => asset(cssPath, 'text/css; charset=utf-8'), { detail: { hide: true } });
}
