/**
 * The OpenAPI document of the whole service, composed as src/index.ts composes it (FakeEngines
 * stand in for browsers: nothing here starts one): every route listed once with WAHA's names
 * where WAHA has the operation, request bodies a client can be generated from with examples the
 * service accepts, a described answer per status, the key scheme where it applies, and a page
 * that names no other host. The linter's verdict is test/openapi-lint.test.ts; the Swagger page
 * in a browser is test/e2e/swagger.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { openRoutes } from '../src/app';
import { documentOf } from '../src/modules/docs';
import { type OpenApiDocument, SECURITY_SCHEME } from '../src/modules/docs/document';
import { TAGS } from '../src/modules/docs/tags';
import { documentedRoutes } from './support/app';
import { COMPOSED_KEY, type ComposedApp, composedApp } from './support/composed';

type Operation = OpenApiDocument['paths'][string][string];

let app: ComposedApp;
let doc: OpenApiDocument;
beforeAll(async () => {
  app = await composedApp();
  doc = await app.json<OpenApiDocument>('/docs/json');
});
afterAll(() => app[Symbol.asyncDispose]());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method, path, id: `${method.toUpperCase()} ${path}`, op })),
  );
const get = (path: string) => app.fetch(new Request(`http://localhost${path}`, { headers: { host: 'localhost' } }));

describe('/docs/json', () => {
  test('is OpenAPI 3.1 and lists exactly the routes of the service (hidden page and asset routes aside), and /ws', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(
      operations()
        .map((o) => o.id)
        .sort(),
    ).toEqual([...documentedRoutes(app.service.app.routes), 'GET /ws'].sort());
  });

  test('building it reports nothing that did not fit: operationIds agree with WAHA, ours are named, tags exist, one schema per name', () => {
    const open = openRoutes(app.service.config);
    expect(documentOf(app.service.app, (p) => open.has(p)).problems).toEqual([]);
  });

  test('every operation: a summary, one declared tag, a unique operationId in WAHA style, described responses', () => {
    const declared = new Set(doc.tags.map((t) => t.name));
    const ids = new Set<string>();
    for (const { id, op } of operations()) {
      expect(String(op.summary ?? '').length, `${id}: no summary`).toBeGreaterThan(0);
      expect(op.tags?.length, `${id}: one tag`).toBe(1);
      expect(declared.has(op.tags![0]!), `${id}: tag ${op.tags![0]} is not declared`).toBe(true);
      expect(op.operationId, `${id}: operationId`).toMatch(/^[A-Z][A-Za-z]*Controller_[A-Za-z_]+$/);
      expect(ids.has(op.operationId!), `${id}: operationId ${op.operationId} used twice`).toBe(false);
      ids.add(op.operationId!);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        expect(String(response.description ?? ''), `${id} ${status}`).not.toMatch(/^(Response for status \d+)?$/);
      }
    }
  });

  test('the tags are the document tag list, in its order, each used', () => {
    const used = new Set(operations().flatMap((o) => o.op.tags ?? []));
    expect(doc.tags.map((t) => t.name)).toEqual(TAGS.map((t) => t.name).filter((n) => used.has(n)));
  });

  test('every route that takes a body documents it as JSON, with an example the service accepts as valid', async () => {
    const withBody = app.service.app.routes.filter(
      (r) => (r.hooks as { body?: unknown } | undefined)?.body && !['GET', 'HEAD'].includes(r.method),
    );
    const documented = operations().filter((o) => o.op.requestBody);
    expect(documented.length).toBe(withBody.length);
    for (const { method, path, id, op } of documented) {
      const content = (op.requestBody as { content: Record<string, { example?: unknown }> }).content;
      expect(Object.keys(content), id).toEqual(['application/json']);
      const example = content['application/json']!.example;
      expect(example, `${id}: no example`).toBeDefined();
      // Path parameters from their own examples; the body is the example as the docs page sends it.
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const p = op.parameters?.find((x) => x.name === name) as { schema?: { examples?: unknown[]; $ref?: string } } | undefined;
        return encodeURIComponent(String(p?.schema?.examples?.[0] ?? 'default'));
      });
      const res = await app.fetch(
        new Request(`http://localhost${url}`, {
          method: method.toUpperCase(),
          headers: { host: 'localhost', 'x-api-key': COMPOSED_KEY, 'content-type': 'application/json' },
          body: JSON.stringify(example),
        }),
      );
      // Not a 400: the example passed validation (a stand-in engine may still refuse what it asks for).
      expect([400, 500], `${id}: ${res.status} ${await res.clone().text()}`).not.toContain(res.status);
    }
  });

  test('answers that are files are documented under their media type, beside the JSON ones', () => {
    const qr = doc.paths['/api/{session}/auth/qr']!.get!.responses!['200'] as { content: Record<string, unknown> };
    expect(Object.keys(qr.content).sort()).toEqual(['application/json', 'image/png']);
    const screenshot = doc.paths['/api/screenshot']!.get!.responses!['200'] as { content: Record<string, unknown> };
    expect(Object.keys(screenshot.content)).toContain('image/png');
  });

  test('errors are one shared component; every operation says 401, every session route 404, every route with input 400', () => {
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['statusCode', 'error', 'message'] });
    for (const { id, path, op } of operations()) {
      if (path === '/ws') continue;
      const responses = op.responses ?? {};
      expect(Object.keys(responses), id).toContain('401');
      if (path.includes('{session}')) expect(Object.keys(responses), id).toContain('404');
      if (op.parameters?.length || op.requestBody) expect(Object.keys(responses), id).toContain('400');
      for (const [status, r] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const schema = (r as { content?: Record<string, { schema?: unknown }> }).content?.['application/json']?.schema;
        // /mcp speaks JSON-RPC, whose errors have their own shape.
        if (schema && path !== '/mcp') expect(schema, `${id} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  test('holds only OpenAPI and JSON Schema keywords (no TypeBox error messages or file extensions)', () => {
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"extension"');
    expect(text).not.toMatch(/"\$id"/);
    // `error` survives only as a property name (the error body's reason phrase), never as a keyword.
    const keywords: string[] = [];
    const walk = (node: unknown, parentKey: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'error' && parentKey !== 'properties' && parentKey !== 'example') keywords.push(k);
        if (k !== 'example' && k !== 'examples') walk(v, k);
      }
    };
    walk(doc, '');
    expect(keywords).toEqual([]);
  });

  test('the key scheme is WAHA’s (api_key, X-Api-Key) and applies everywhere but the open routes', () => {
    expect(doc.components.securitySchemes[SECURITY_SCHEME]).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(doc.security).toEqual([{ [SECURITY_SCHEME]: [] }]);
    const open = new Set(app.service.config.WHATSAPP_API_KEY_EXCLUDE_PATH.map((p) => `GET /${p}`));
    for (const { id, op } of operations()) {
      if (open.has(id)) expect((op as Operation).security, `${id} is open: it should say so`).toEqual([]);
      else expect((op as Operation).security, `${id} needs the key`).toBeUndefined();
    }
  });
});

describe('/docs', () => {
  test('the page loads its script and styles from this server only', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u, `${u} is not on this server`).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/https?:\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  });

  test.each([
    ['/docs/assets/swagger-ui-bundle.js', 'text/javascript'],
    ['/docs/assets/swagger-ui.css', 'text/css'],
  ])('%s is served from the executable', async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith(type);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });
});
