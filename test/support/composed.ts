/**
 * The whole service as `compose` builds it — every module, the edge, the real store in a temp
 * folder — over FakeEngines, without listening: for tests of what the service documents and
 * answers as a whole (the OpenAPI document, the route list), where no browser is needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, type Service } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { fakeEngineFactory } from './fake-engine';

export interface ComposedApp {
  service: Service;
  /** A request through the edge, as the server hands it over. */
  fetch(request: Request): Promise<Response>;
  /** GET `path` with the key, parsed as JSON. */
  json<T = unknown>(path: string): Promise<T>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const COMPOSED_KEY = 'composed-test-key';

export async function composedApp(env: Record<string, string> = {}): Promise<ComposedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'wabun-composed-'));
  const config = parseConfig({ WAHA_API_KEY: COMPOSED_KEY, WAHA_LOCAL_STORE_BASE_DIR: dir, WAHA_DASHBOARD_ENABLED: 'true', ...env });
  const service = await compose(config, { exit: () => {}, engineFactory: fakeEngineFactory(), log: silentLogger });
  const fetch = async (request: Request) => (await service.edge.fetch(request, {} as never))!;
  return {
    service,
    fetch,
    async json<T>(path: string) {
      const res = await fetch(new Request(`http://localhost${path}`, { headers: { 'x-api-key': COMPOSED_KEY, host: 'localhost' } }));
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async [Symbol.asyncDispose]() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
