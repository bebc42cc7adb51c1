import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import cssPath from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' };
// Embedded in the compiled binary: the docs page makes no request to any other host.
import bundlePath from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' };
import { VERSION } from '../../version';

const ASSET_PREFIX = '/docs/assets';

/** The docs page, its spec and its assets: open without a key (they hold no data). */
export const DOCS_ROUTES = ['/docs', '/docs/json', `${ASSET_PREFIX}/swagger-ui-bundle.js`, `${ASSET_PREFIX}/swagger-ui.css`] as const;

/**
 * The generated document offers every body as JSON, form and multipart; the edge reads JSON only
 * (src/http/body.ts), so only that is listed.
 */
function jsonBodiesOnly(doc: { paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> }) {
  for (const item of Object.values(doc.paths ?? {}))
    for (const op of Object.values(item)) {
      const json = op.requestBody?.content?.['application/json'];
      if (json) op.requestBody!.content = { 'application/json': json };
    }
  return doc;
}

/** The OpenAPI page at /docs and its spec at /docs/json, served entirely from the binary. */
export const docsRoutes = () =>
  new Elysia({ name: 'docs' })
    // Before the plugin, so it applies to the plugin's spec route.
    .onAfterHandle(({ route, response }) => (route === '/docs/json' ? jsonBodiesOnly(response as never) : undefined))
    .use(
      openapi({
        path: '/docs',
        specPath: '/docs/json',
        provider: 'swagger-ui',
        swagger: {
          cdn: `${ASSET_PREFIX}/swagger-ui-bundle.js`,
          theme: `${ASSET_PREFIX}/swagger-ui.css`,
          // The public validator badge would call another host.
          validatorUrl: 'none',
          persistAuthorization: true,
        },
        exclude: { paths: [`${ASSET_PREFIX}/swagger-ui-bundle.js`, `${ASSET_PREFIX}/swagger-ui.css`] },
        documentation: {
          info: {
            title: 'wabun — WhatsApp HTTP API',
            version: VERSION,
            description:
              'WAHA-compatible WhatsApp HTTP API on Bun, driving real WhatsApp Web in Chromium. ' +
              'Send the key in the X-Api-Key header (or the x-api-key query parameter); use Authorize above.',
          },
          tags: [
            { name: 'Server', description: 'Health, version, status' },
            { name: 'Sessions', description: 'Create, start, stop and pair WhatsApp sessions' },
            { name: 'Auth', description: 'QR code and pairing code' },
            { name: 'Screenshot', description: "What the session's browser shows" },
            { name: 'Sending', description: 'Send messages, media, reactions; mark as read; typing' },
            { name: 'Chats', description: 'Chat list and history' },
            { name: 'Contacts', description: 'Contacts, number lookup, profile pictures' },
            { name: 'Groups', description: 'Groups and their participants' },
            { name: 'Events', description: 'Live events over WebSocket (webhooks are configured per session)' },
          ],
          paths: {
            '/ws': {
              get: {
                summary: 'Live events over WebSocket: the webhook envelopes, filtered by session and event',
                description:
                  'Connect with ws://host/ws?session=*&events=*&x-api-key=… — each message is one envelope as JSON. Not durable: webhooks are.',
                tags: ['Events'],
                parameters: [
                  { name: 'session', in: 'query', schema: { type: 'string', default: '*' }, description: 'A session name, or * for all' },
                  {
                    name: 'events',
                    in: 'query',
                    schema: { type: 'string', default: '*' },
                    description: 'Comma list of event names, or * for all',
                  },
                  {
                    name: 'x-api-key',
                    in: 'query',
                    schema: { type: 'string' },
                    description: 'The API key, when the X-Api-Key header cannot be sent',
                  },
                ],
                responses: {
                  101: { description: 'Switching Protocols: the connection is a WebSocket' },
                  400: { description: 'Not a WebSocket upgrade request' },
                  401: { description: 'Missing or wrong API key' },
                },
              },
            },
          },
          components: {
            securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
          },
          security: [{ apiKey: [] }],
        },
      }),
    )
    .get(
      `${ASSET_PREFIX}/swagger-ui-bundle.js`,
      () =>
        new Response(Bun.file(bundlePath), {
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
        }),
      { detail: { hide: true } },
    )
    .get(
      `${ASSET_PREFIX}/swagger-ui.css`,
      () =>
        new Response(Bun.file(cssPath), {
          headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' },
        }),
      { detail: { hide: true } },
    );
