/**
 * The OpenAPI document of the whole app, in-process: every route listed and documented, every
 * tag declared, the key scheme in place, and a docs page that names no other host.
 * (binary.test.ts renders the page in Chromium from the compiled executable.)
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { MessagingService } from '../src/modules/messages/service';
import { createMetrics } from '../src/modules/metrics/metrics';
import { MetricsService } from '../src/modules/metrics/service';
import { buildTestApp, documentedRoutes } from './support/app';
import { fakeManager } from './support/fake-engine';

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
  security?: unknown[];
}
interface Spec {
  openapi: string;
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  security?: unknown[];
  components: { securitySchemes: Record<string, unknown> };
}

// Every optional module wired in, so that every route of the service is here.
const sessions = await fakeManager();
const counters = createMetrics();
const built = buildTestApp({
  deps: {
    sessions: sessions.manager,
    messaging: new MessagingService(sessions.manager, { maxBytes: 1024, timeoutMs: 1000 }),
    counters,
  },
});
// /metrics reads the same sample source the app was built with.
built.app.use((await import('../src/modules/metrics')).metricsRoutes(new MetricsService({ metrics: counters, memory: built.memory })));
const { app, config } = built;
afterAll(async () => {
  built.close();
  await sessions.dispose();
});

const get = (path: string) => app.handle(new Request(`http://localhost${path}`));
const spec = async () => (await (await get('/docs/json')).json()) as Spec;
const operations = (s: Spec) =>
  Object.entries(s.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, op })),
  );

describe('/docs/json', () => {
  test('is OpenAPI 3 and lists exactly the routes of the app (hidden asset routes aside)', async () => {
    const s = await spec();
    expect(s.openapi).toStartWith('3.');
    // /ws is a WebSocket route (hidden from Elysia's generator) described by hand as its GET upgrade.
    expect(
      operations(s)
        .map((o) => o.id)
        .sort(),
    ).toEqual([...documentedRoutes(app.routes), 'GET /ws'].sort());
  });

  test('every operation has a summary, a declared tag and its responses', async () => {
    const s = await spec();
    const declared = new Set((s.tags ?? []).map((t) => t.name));
    for (const { id, op } of operations(s)) {
      expect(op.summary, `${id}: no summary`).toBeString();
      expect(op.summary!.length, `${id}: empty summary`).toBeGreaterThan(0);
      expect(op.tags?.length, `${id}: no tag`).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(declared.has(tag), `${id}: tag '${tag}' is not in the docs' tag list`).toBe(true);
      expect(Object.keys(op.responses ?? {}).length, `${id}: no responses`).toBeGreaterThan(0);
    }
  });

  test('every request body is documented as JSON only, which is all the edge reads', async () => {
    const s = await spec();
    const bodies = operations(s).filter(({ op }) => (op as { requestBody?: unknown }).requestBody);
    expect(bodies.length).toBeGreaterThan(15);
    for (const { id, op } of bodies) {
      const content = (op as { requestBody: { content: Record<string, { schema?: unknown }> } }).requestBody.content;
      expect(Object.keys(content), id).toEqual(['application/json']);
      expect(content['application/json']!.schema, id).toBeObject();
    }
  });

  test('the key scheme applies everywhere except the open paths', async () => {
    const s = await spec();
    expect(s.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    expect(s.security).toEqual([{ apiKey: [] }]);
    const open = new Set(config.WHATSAPP_API_KEY_EXCLUDE_PATH.map((p) => `GET /${p}`));
    for (const { id, op } of operations(s)) {
      if (open.has(id)) expect(op.security, `${id} is open: it should say so`).toEqual([]);
      else expect(op.security, `${id} needs the key: it must not clear security`).not.toEqual([]);
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
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\//i);
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
