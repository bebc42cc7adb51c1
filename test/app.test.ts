/**
 * The HTTP layer through `app.handle()`: auth, the one error shape, request ids, the memory
 * header. Built from the real parts; only the log output is captured instead of printed.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { t } from 'elysia';
import { buildTestApp } from './support/app';

const KEY = 'test-key-123';
const opened: { close(): void }[] = [];

/** The app with real parts, plus two routes only tests have: a validated POST and a throwing GET. */
function makeApp(key: string | null = KEY) {
  const built = buildTestApp({ key });
  opened.push(built);
  const app = built.app
    .post('/test/echo', ({ body }) => body, { body: t.Object({ name: t.String({ minLength: 1 }) }) })
    // A query field that is a literal or a list of them: Elysia decodes it, and a wrong value fails the decode.
    .get('/test/list', ({ query }) => query, {
      query: t.Object({
        pick: t.Optional(t.Union([t.Literal('a'), t.Array(t.Literal('a'))])),
      }),
    })
    .get('/test/boom', () => {
      throw new Error('internal detail that must not leak');
    });
  return { app, fetch: built.fetch, lines: built.lines };
}

afterAll(() => {
  for (const a of opened) a.close();
});

/** The first captured log line matching `match`; the request line is written after the response. */
async function waitForLine(match: (l: Record<string, unknown>) => boolean, timeoutMs = 2000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = lines.find(match);
    if (hit) return hit;
    if (Date.now() > until) throw new Error('no such log line');
    await new Promise((r) => setImmediate(r));
  }
}

const { fetch: handle, lines } = makeApp();
const get = (path: string, headers: Record<string, string> = {}) => handle(new Request(`http://localhost${path}`, { headers }));
const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  handle(
    new Request(`http://localhost${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers },
    }),
  );

describe('auth', () => {
  test('401 without a key, in the one error shape', async () => {
    const res = await get('/api/server/version');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
  });

  test('401 with a wrong key', async () => {
    expect((await get('/api/server/version', { 'x-api-key': 'nope' })).status).toBe(401);
  });

  test('200 with the plain key in the X-Api-Key header', async () => {
    const res = await get('/api/server/version', { 'X-Api-Key': KEY });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ engine: 'WEBJS', worker: { id: 'test' } });
  });

  test('200 with the key in ?x-api-key=', async () => {
    expect((await get(`/api/server/status?x-api-key=${KEY}`)).status).toBe(200);
  });

  test('200 with a sha512: configured key; the hash itself is not a key', async () => {
    const hex = createHash('sha512').update('hashed-secret').digest('hex');
    const { app: hashed } = makeApp(`sha512:${hex}`);
    const call = (key: string) => hashed.handle(new Request('http://localhost/api/info', { headers: { 'x-api-key': key } }));
    expect((await call('hashed-secret')).status).toBe(200);
    expect((await call(hex)).status).toBe(401);
    expect((await call(`sha512:${hex}`)).status).toBe(401);
  });

  test('/health, /ping and /docs are open', async () => {
    expect((await get('/health')).status).toBe(200);
    expect(await (await get('/ping')).json()).toEqual({ message: 'pong' });
    expect((await get('/docs')).status).toBe(200);
    expect((await get('/docs/json')).status).toBe(200);
  });

  test('WAHA_NO_API_KEY=true opens everything', async () => {
    const { app: open } = makeApp(null);
    expect((await open.handle(new Request('http://localhost/api/info'))).status).toBe(200);
  });
});

describe('errors', () => {
  test('404 JSON for an unknown route, with the memory header', async () => {
    const res = await get('/no/such/route', { 'x-api-key': KEY });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toStartWith('application/json');
    expect(res.headers.get('x-memory-usage-mb')).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No route GET /no/such/route. The API is listed at /docs.',
    });
  });

  test('413 JSON for a 6 MB body (limit 5 MB)', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024) });
    // As any HTTP client sends it; a Request built here carries no Content-Length by itself.
    const res = await post('/test/echo', big, { 'content-length': String(big.length) });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-memory-usage-mb')).toMatch(/^\d+$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(body.message).toContain('BODY_LIMIT_MB');
  });

  test('413 also for a body sent without Content-Length (streamed)', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 6; i++) c.enqueue(chunk);
        c.close();
      },
    });
    const res = await post('/test/echo', stream);
    expect(res.status).toBe(413);
  });

  test('400 JSON for a body of "{" (parse error)', async () => {
    const res = await post('/test/echo', '{');
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(body.message).toContain('not valid JSON');
  });

  test('400 JSON naming the failing field (validation error)', async () => {
    const res = await post('/test/echo', JSON.stringify({ name: 42 }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { statusCode: number; message: string; details: { field: string } };
    expect(body.statusCode).toBe(400);
    expect(body.message).toContain("'name'");
    expect(body.details.field).toBe('name');
  });

  test('400 for a query value that fails its decode, naming the field and the value', async () => {
    const res = await get('/test/list?pick=zzz', { 'x-api-key': KEY });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { message: string; details: { in: string; field: string } };
    expect(body.message).toBe(`Invalid query field 'pick': Expected 'a' (got ["zzz"])`);
    expect(body.details).toMatchObject({ in: 'query', field: 'pick' });
    expect((await get('/test/list?pick=a&pick=a', { 'x-api-key': KEY })).status).toBe(200);
  });

  test('a valid body passes', async () => {
    const res = await post('/test/echo', JSON.stringify({ name: 'ok' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'ok' });
  });

  test('500 without a stack trace or the internal message, with the request id; logged server-side', async () => {
    const res = await get('/test/boom', { 'x-api-key': KEY, 'x-request-id': 'req-500' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('internal detail');
    expect(text).not.toMatch(/\bat .+:\d+/);
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Unexpected error. Quote request id req-500 when reporting it.',
      requestId: 'req-500',
    });
    const logged = lines.find((l) => l.msg === 'unhandled error' && l.requestId === 'req-500');
    expect(logged?.error).toBe('internal detail that must not leak');
  });
});

describe('headers', () => {
  test('X-Request-Id is echoed, or generated when absent', async () => {
    expect((await get('/ping', { 'x-request-id': 'abc-123' })).headers.get('x-request-id')).toBe('abc-123');
    expect((await get('/ping')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the request log line carries the request id and the session, and never the key', async () => {
    await get(`/api/server/version?session=sales&x-api-key=${KEY}`, { 'x-request-id': 'req-log-1' });
    const line = await waitForLine((l) => l.requestId === 'req-log-1');
    expect(line).toMatchObject({ level: 'info', msg: 'request', session: 'sales', path: '/api/server/version', status: 200 });
    expect(JSON.stringify(lines)).not.toContain(KEY);
  });

  test('X-Memory-Usage-MB on a 401 as well', async () => {
    const res = await get('/api/info');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-memory-usage-mb')).toMatch(/^\d+$/);
  });

  test('/health has its documented fields and the memory block', async () => {
    const res = await get('/health');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'healthy', mode: 'production-optimized', whatsapp_ready: false });
    expect(typeof body.memory_mb).toBe('number');
    expect(Number.isNaN(Date.parse(body.timestamp as string))).toBe(false);
    expect(Object.keys(body.memory as object).sort()).toEqual([
      'browsers_mb',
      'heap_mb',
      'last_action',
      'limit_mb',
      'percent',
      'sampled_at',
      'service_mb',
      'total_mb',
    ]);
    expect(res.headers.get('x-memory-usage-mb')).toBe(String(body.memory_mb));
  });
});
