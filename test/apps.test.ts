/** WAHA's app routes: present, checked like WAHA's, and each answering that apps are not available here. */
import { describe, expect, test } from 'bun:test';
import { buildTestApp } from './support/app';

const { fetch } = buildTestApp({ key: 'k' });
const req = (method: string, path: string, body?: unknown, key: string | null = 'k') =>
  fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers: { ...(key ? { 'x-api-key': key } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
const app = { session: 'default', app: 'chatwoot', config: {} };

describe('/api/apps', () => {
  test.each([
    ['GET', '/api/apps?session=default', undefined],
    ['POST', '/api/apps', app],
    ['GET', '/api/apps/app_1', undefined],
    ['PUT', '/api/apps/app_1', app],
    ['DELETE', '/api/apps/app_1', undefined],
  ])('%s %s: 422, apps are not available', async (method, path, body) => {
    const res = await req(method, path, body);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: expect.stringContaining('Apps are not available in this service'),
    });
  });

  test('a bad body is a 400 naming the field; no key a 401', async () => {
    const res = await req('POST', '/api/apps', { ...app, app: 'slack' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { field: string } }).details.field).toBe('app');
    expect((await req('GET', '/api/apps?session=default', undefined, null)).status).toBe(401);
  });
});
