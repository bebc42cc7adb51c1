import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
// Embedded in the compiled binary: the docs page makes no request to any other host.
import bundlePath from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' };
import cssPath from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' };
import { VERSION } from '../../version';

const ASSET_PREFIX = '/docs/assets';

/** The OpenAPI page at /docs and its spec at /docs/json, served entirely from the binary. */
export const docsRoutes = () =>
  new Elysia({ name: 'docs' })
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
          ],
          components: {
            securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
          },
          security: [{ apiKey: [] }],
        },
      }),
    )
    .get(`${ASSET_PREFIX}/swagger-ui-bundle.js`, () => new Response(Bun.file(bundlePath), {
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    }), { detail: { hide: true } })
    .get(`${ASSET_PREFIX}/swagger-ui.css`, () => new Response(Bun.file(cssPath), {
      headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' },
    }), { detail: { hide: true } });
