/**
 * The HTTP edge over a real socket, tried as an attacker would: odd Host headers, paths that
 * name one route and reach another, deep and malformed JSON, bodies of the wrong type, sizes
 * declared and streamed. Every answer the service gives is in the one JSON error shape, nothing
 * reaches a route without its key, and the server keeps answering. The app is the real one over
 * a stand-in engine; the same edge runs in the binary (test/e2e/fuzz.e2e.test.ts).
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { serveOptions } from '../src/http/server';
import { MessagingService } from '../src/modules/messages/service';
import { buildTestApp } from './support/app';
import { fakeManager } from './support/fake-engine';
import { rawRequest } from './support/raw-http';

const KEY = 'edge-key';
const sessions = await fakeManager();
await sessions.manager.create({
  name: 'default',
  start: false,
  config: { webhooks: [{ url: 'https://hooks.example/x', events: ['*'], hmac: { key: 'hmac-secret' } }] },
});
const built = buildTestApp({
  key: KEY,
  deps: { sessions: sessions.manager, messaging: new MessagingService(sessions.manager, { maxBytes: 1 << 20, timeoutMs: 1000 }) },
});
const server = Bun.serve(serveOptions(built.edge, { port: 0, hostname: '127.0.0.1' }));
const port = server.port!;
afterAll(async () => {
  await server.stop(true);
  await sessions.dispose();
});

const base = `http://127.0.0.1:${port}`;
const auth = { 'x-api-key': KEY };
const json = { 'content-type': 'application/json' };
const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(base + path, { method, body, headers: { ...json, ...auth, ...headers } });

/** The one error shape, with this status. */
async function expectError(res: Response | { status: number; body: string; headers: Record<string, string> }, status: number) {
  expect(res.status).toBe(status);
  const body = res instanceof Response ? await res.json() : JSON.parse(res.body);
  // (A copy: Bun's toMatchObject writes the asymmetric matchers into the object it was given.)
  expect(structuredClone(body)).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
  return body as { message: string; details?: Record<string, unknown> };
}

/** Resolves once `check` holds (the log has no event to wait on), or fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await Bun.sleep(5);
  }
}

const healthy = async () => expect((await fetch(`${base}/health`)).status).toBe(200);

describe('the Host header', () => {
  test.each(['a b', 'a/health?', 'a:99999', '[', 'x%', 'a:0', 'ex ample.com:80'])(
    'Host: %s → 400 in the JSON shape; the server lives on',
    async (host) => {
      const res = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: ${host}`);
      const body = await expectError(res, 400);
      expect(body.message).toContain('Host');
      await healthy();
    },
  );

  test.each(['x', 'api', 'a:1', 'localhost:3000', '127.0.0.1', '[::1]:8080', 'wabun.example.com'])(
    'Host: %s → the same answers as any other Host (a short compose service name included)',
    async (host) => {
      const get = (path: string, headers = '') => rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}${headers}`);
      expect((await get('/health')).status).toBe(200);
      expect((await get('/api/server/version', `\r\nX-Api-Key: ${KEY}`)).status).toBe(200);
      await expectError(await get('/api/server/version'), 401);
      await expectError(await get('/docs/api/sessions'), 404);
    },
  );
});

describe('no path reaches a route without its key', () => {
  test.each([
    '/docs/api/sessions',
    '/docs/api/sendText',
    '/docs/metrics',
    '/docs/api/server/memory',
    '/docs/../api/sessions',
    '/docs/%2e%2e/api/sessions',
    '//api/sessions',
    '/api/sessions/',
    '/api%2fsessions',
    '/docs/json/../../api/sessions',
    '/health/../api/sessions',
    '/ping?x=/api/sessions',
  ])('GET %s without a key: 401 or 404, never the sessions', async (path) => {
    for (const host of ['x', 'wabun.example.com']) {
      const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: ${host}`);
      expect(res.body).not.toContain('hmac-secret');
      expect(res.body).not.toContain('"name":"default"');
      if (res.status !== 200) await expectError(res, res.status);
      else expect(path).toStartWith('/ping');
    }
  });

  test('a session list needs the key under every Host, and gets it with the key', async () => {
    const res = await rawRequest(port, `GET /api/sessions?all=true HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).map((s: { name: string }) => s.name)).toEqual(['default']);
  });
});

describe('bodies are bounded before any schema runs', () => {
  test('10,000 nested objects (50 KB) and 100,000 nested arrays (200 KB) → 400; /health answers meanwhile', async () => {
    const objects = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const arrays = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const [a, b] = await Promise.all([send('POST', '/api/sendText', objects), send('PUT', '/api/sessions/default', arrays), healthy()]);
    expect((await expectError(a, 400)).message).toContain('deeper than 64');
    expect((await expectError(b, 400)).message).toContain('must be a JSON object');
    const deepObject = `{"config":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`;
    expect((await expectError(await send('PUT', '/api/sessions/default', deepObject), 400)).message).toContain('deeper than 64');
  });

  test('a body that is not a JSON object is a 400, never a default session or a wiped config', async () => {
    for (const body of ['[1]', '[]', '"oops"', '123', 'null', 'true']) {
      await expectError(await send('POST', '/api/sessions', body), 400);
      await expectError(await send('PUT', '/api/sessions/default', body), 400);
    }
    expect(sessions.manager.list(true).map((s) => s.name)).toEqual(['default']);
    expect(sessions.manager.get('default').config?.webhooks).toHaveLength(1);
  });

  test('wrong types are refused naming the field, never coerced', async () => {
    const cases: [string, string, string][] = [
      ['POST', '{"name":"x","config":"str"}', 'config'],
      ['POST', '{"name":"x","config":{"metadata":"str"}}', 'config.metadata'],
      ['POST', '{"name":"x","start":"yes"}', 'start'],
      ['POST', '{"name":7}', 'name'],
      ['PUT', '{"config":{"webhooks":"https://x"}}', 'config.webhooks'],
      ['PUT', '{"config":{"webhooks":[{"url":"https://x","events":"message"}]}}', 'config.webhooks.0.events'],
    ];
    for (const [method, body, field] of cases) {
      const res = await send(method, method === 'POST' ? '/api/sessions' : '/api/sessions/default', body);
      expect((await expectError(res, 400)).details?.field).toBe(field);
    }
    expect(sessions.manager.list(true).map((s) => s.name)).toEqual(['default']);
  });

  test('invalid UTF-8 and lone surrogates are refused: stored strings are valid Unicode', async () => {
    await expectError(await send('PUT', '/api/sessions/default', '{"config":{"metadata":{"k":"\\ud800"}}}'), 400);
    await expectError(await send('PUT', '/api/sessions/default', '{"config":{"metadata":{"k":"\\udc00x"}}}'), 400);
    const bad = new Uint8Array([...Buffer.from('{"config":{"metadata":{"k":"'), 0xff, 0xfe, ...Buffer.from('"}}}')]);
    await expectError(await fetch(`${base}/api/sessions/default`, { method: 'PUT', body: bad, headers: { ...json, ...auth } }), 400);
    // A pair is fine.
    expect((await send('PUT', '/api/sessions/default', '{"config":{"metadata":{"k":"\\ud83d\\ude00"}}}')).status).toBe(200);
  });

  test('too large: declared (even 99 MB) or streamed → 413 in the JSON shape', async () => {
    const declared = await rawRequest(
      port,
      `POST /api/sendText HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999`,
      '{',
    );
    expect((await expectError(declared, 413)).message).toContain('BODY_LIMIT_MB');
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 7; i++) c.enqueue(chunk);
        c.close();
      },
    });
    await expectError(await fetch(`${base}/api/sendText`, { method: 'POST', body: stream, headers: { ...json, ...auth } }), 413);
    await healthy();
  });

  test('a client hanging up mid-body is its own doing: logged as a refusal, never as a failure', async () => {
    const heads = [
      `POST /api/sendText HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`,
      `POST /api/sendText HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n`,
    ];
    for (const head of heads) {
      const before = built.lines.length;
      const refused = () => built.lines.slice(before).some((l) => l.msg === 'request refused at the edge');
      const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } });
      socket.write(head);
      socket.end();
      await until(refused);
      expect(built.lines.slice(before).filter((l) => l.level === 'error')).toEqual([]);
      expect(built.lines.slice(before).find((l) => l.msg === 'request refused at the edge')).toMatchObject({ status: 400 });
    }
    await healthy();
  });

  test('a body must come as JSON: any other type is refused before the app could misread it', async () => {
    const before = structuredClone(sessions.manager.get('default').config);
    // application/jwt was JSON to the app, unchecked; multipart fields were JSON-parsed; a body the
    // app did not parse became {} and a PUT wiped the config (docs/runtime-facts.md).
    const types = [
      'application/jwt',
      'xxxxxxxxxxxxjson',
      'application/xml',
      'image/png',
      'text/plain',
      'Text/Plain',
      'application/octet-stream',
    ];
    for (const type of [...types, 'multipart/form-data; boundary=b', 'application/x-www-form-urlencoded']) {
      const surrogate = await send('PUT', '/api/sessions/default', '{"config":{"metadata":{"k":"\\ud800"}}}', { 'content-type': type });
      expect((await expectError(surrogate, 400)).message).toContain(`Content-Type: application/json (not '${type}')`);
      const deep = `{"config":{"metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
      const [bomb] = await Promise.all([send('PUT', '/api/sessions/default', deep, { 'content-type': type }), healthy()]);
      await expectError(bomb, 400);
    }
    const multipart = '--b\r\nContent-Disposition: form-data; name="config"\r\n\r\n{"metadata":{"k":"\\ud800"}}\r\n--b--\r\n';
    await expectError(await send('PUT', '/api/sessions/default', multipart, { 'content-type': 'multipart/form-data; boundary=b' }), 400);
    const untyped = await fetch(`${base}/api/sessions/default`, {
      method: 'PUT',
      headers: auth,
      body: new Uint8Array(Buffer.from('{"config":null}')),
    });
    expect((await expectError(untyped, 400)).message).toBe('A request body needs Content-Type: application/json.');
    expect(sessions.manager.get('default').config).toEqual(before);
  });

  test("every spelling of JSON's type is read as JSON, and checked", async () => {
    for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8', ' Application/Json ; x=1', 'application/vnd.wabun+json']) {
      await expectError(
        await send('PUT', '/api/sessions/default', '{"config":{"metadata":{"k":"\\ud800"}}}', { 'content-type': type }),
        400,
      );
      const ok = await send(
        'PUT',
        '/api/sessions/default',
        `{"config":{"webhooks":[{"url":"https://hooks.example/x","events":["*"],"hmac":{"key":"hmac-secret"}}],"metadata":{"type":"${type}"}}}`,
        { 'content-type': type },
      );
      expect(ok.status).toBe(200);
      expect(sessions.manager.get('default').config?.metadata).toEqual({ type });
    }
  });

  test('empty and non-JSON bodies where JSON is expected → 400', async () => {
    await expectError(await send('POST', '/api/sendText', ''), 400);
    await expectError(await send('POST', '/api/sendText', '{'), 400);
    await expectError(await send('POST', '/api/sendText', 'session=default', { 'content-type': 'text/plain' }), 400);
  });
});

describe("requests Bun's HTTP parser refuses itself", () => {
  // Bun answers these before any JavaScript runs (docs/runtime-facts.md): a bare status line and a
  // closed connection. What matters here is that nothing is served and the service lives on.
  test.each([
    ['a raw NUL byte in the path', 'GET /he\0lth HTTP/1.1\r\nHost: x'],
    ['Content-Length: -1', 'POST /api/sendText HTTP/1.1\r\nHost: x\r\nContent-Length: -1'],
    ['two Content-Lengths', 'POST /api/sendText HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2'],
    ['no Host on HTTP/1.1', 'GET /health HTTP/1.1'],
  ])('%s: refused with a 4xx/505 and a closed connection; the server lives on', async (_what, head) => {
    const res = await rawRequest(port, head);
    expect(res.status === 505 || (res.status >= 400 && res.status < 500)).toBe(true);
    await healthy();
  });

  test('an encoded NUL (%00) reaches the edge and is answered in the JSON shape', async () => {
    await expectError(await rawRequest(port, 'GET /he%00lth HTTP/1.1\r\nHost: x'), 404);
    await expectError(await rawRequest(port, `GET /api/sessions/a%00b HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}`), 400);
  });
});

test('every answer carries a request id; a 5xx never shows a stack or the HTML error page', async () => {
  const res = await rawRequest(port, 'GET /api/sessions HTTP/1.1\r\nHost: x');
  expect(res.headers['x-request-id']).toBeString();
  expect(res.headers['content-type']).toStartWith('application/json');
  expect(res.body).not.toContain('<html');
});
