/**
 * CORS over a real socket: preflights on any path answered 204 without a key, the allow and
 * expose headers on every answer (the edge's own 400 and 413, the 401 and 404 included), and
 * CORS_ALLOWED_ORIGINS narrowing the origins. The app is the real one over a stand-in engine.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { ConfigError, parseConfig } from '../src/config';
import { CORS_METHODS } from '../src/http/cors';
import { serveOptions } from '../src/http/server';
import { buildTestApp } from './support/app';
import { fakeManager } from './support/fake-engine';
import { rawRequest } from './support/raw-http';

const KEY = 'cors-key';
const DASH = 'http://dash.example:8080';
const sessions = await fakeManager();

function serve(env: Record<string, string> = {}) {
  const built = buildTestApp({ key: KEY, env: { BODY_LIMIT_MB: '1', ...env }, deps: { sessions: sessions.manager } });
  const server = Bun.serve(serveOptions(built.edge, { port: 0, hostname: '127.0.0.1' }));
  const base = `http://127.0.0.1:${server.port}`;
  return { server, port: server.port!, base, at: (path: string, init: RequestInit = {}) => fetch(base + path, init) };
}

const open = serve();
const narrow = serve({ CORS_ALLOWED_ORIGINS: `${DASH}, https://Other.Example/` });
afterAll(async () => {
  await open.server.stop(true);
  await narrow.server.stop(true);
  await sessions.dispose();
});

const preflight = (headers: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { origin: DASH, 'access-control-request-method': 'POST', ...headers },
});
const corsOf = (res: Response) =>
  Object.fromEntries(
    Object.entries(res.headers.toJSON())
      .filter(([k]) => k.startsWith('access-control-') || k === 'vary')
      .sort(),
  );

describe('preflight (CORS_ALLOWED_ORIGINS=*, the default)', () => {
  test.each(['/api/sessions', '/api/default/auth/qr', '/api/no/such/route', '/health', '/docs'])(
    'OPTIONS %s → 204 without a key, allowing any origin and the requested headers',
    async (path) => {
      const res = await open.at(path, preflight({ 'access-control-request-headers': 'x-api-key,content-type' }));
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
      expect(corsOf(res)).toEqual({
        'access-control-allow-headers': 'x-api-key,content-type',
        'access-control-allow-methods': CORS_METHODS,
        'access-control-allow-origin': '*',
        vary: 'Access-Control-Request-Headers',
      });
      expect(res.headers.get('x-request-id')).toBeTruthy();
    },
  );

  test('a preflight that names no headers still allows X-Api-Key and Content-Type; one without Origin is answered too', async () => {
    const res = await open.at('/api/sendText', preflight());
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBe('X-Api-Key,Content-Type');
    const bare = await open.at('/api/sendText', { method: 'OPTIONS' });
    expect(bare.status).toBe(204);
    expect(bare.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('every real answer carries the allow-origin header', () => {
  const expose = 'X-Request-Id,X-Memory-Usage-MB,Content-Disposition';

  test('200 with the key, and the headers a browser may read', async () => {
    const res = await open.at('/api/sessions', { headers: { origin: DASH, 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    expect(corsOf(res)).toEqual({ 'access-control-allow-origin': '*', 'access-control-expose-headers': expose });
  });

  test('401 without the key, 404 for an unknown route or session, 400 from the schema', async () => {
    const cases: [string, RequestInit, number][] = [
      ['/api/sessions', { headers: { origin: DASH } }, 401],
      ['/api/nothing-here', { headers: { origin: DASH, 'x-api-key': KEY } }, 404],
      ['/api/sessions/nobody', { headers: { origin: DASH, 'x-api-key': KEY } }, 404],
      [
        '/api/sessions',
        { method: 'POST', body: '{"name":"a b"}', headers: { origin: DASH, 'x-api-key': KEY, 'content-type': 'application/json' } },
        400,
      ],
    ];
    for (const [path, init, status] of cases) {
      const res = await open.at(path, init);
      expect(res.status).toBe(status);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  test("the edge's own refusals: a bad Host (400) and a body over BODY_LIMIT_MB (413)", async () => {
    const host = await rawRequest(open.port, `GET /health HTTP/1.1\r\nHost: a b\r\nOrigin: ${DASH}`);
    expect(host.status).toBe(400);
    expect(host.headers['access-control-allow-origin']).toBe('*');
    const big = await open.at('/api/sendText', {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 1),
      headers: { origin: DASH, 'x-api-key': KEY, 'content-type': 'application/json' },
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('CORS_ALLOWED_ORIGINS as a list', () => {
  test('a listed origin is reflected, with Vary: Origin; the list is matched as browsers send origins', async () => {
    const pre = await narrow.at('/api/sessions', preflight({ 'access-control-request-headers': 'x-api-key' }));
    expect(pre.status).toBe(204);
    expect(corsOf(pre)).toMatchObject({ 'access-control-allow-origin': DASH, vary: 'Origin, Access-Control-Request-Headers' });
    const res = await narrow.at('/api/sessions', { headers: { origin: 'https://other.example', 'x-api-key': KEY } });
    expect(corsOf(res)).toMatchObject({ 'access-control-allow-origin': 'https://other.example', vary: 'Origin' });
  });

  test('another origin gets no allow-origin header (the browser then blocks it), still Vary: Origin', async () => {
    const pre = await narrow.at('/api/sessions', preflight({ origin: 'https://evil.example' }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await narrow.at('/api/sessions', { headers: { origin: 'https://evil.example', 'x-api-key': KEY } });
    expect(res.status).toBe(200); // CORS is the browser's check; the key is ours
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
  });

  test('parsing: trimmed, lowercased, default ports and trailing slashes dropped; a path or a non-http scheme stops start-up', () => {
    expect(parseConfig({}).CORS_ALLOWED_ORIGINS).toEqual(['*']);
    expect(parseConfig({ CORS_ALLOWED_ORIGINS: ' HTTPS://A.Example:443/ , http://b.example:8080' }).CORS_ALLOWED_ORIGINS).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    for (const bad of ['https://a.example/app', 'ftp://a.example', 'a.example', 'http://u:p@a.example'])
      expect(() => parseConfig({ CORS_ALLOWED_ORIGINS: bad })).toThrow(ConfigError);
  });
});
