/**
 * Messaging end to end: a WORKING session over the real service, real Chromium and the simulator,
 * a real webhook receiver, and a WebSocket client — built on E2eWorld (test/support/world.ts).
 */

import type { SimControl } from '../sim/control';
import type { RunningService } from './service';
import { nextStatus, reach } from './waits';
import { Waits } from './webhooks';
import { type E2eWorld, http } from './world';

/**
 * Creates session `name` with `config`, scans its QR through the control server and waits for
 * WORKING. Returns the simulator page's control (routed by the page's profile id).
 */
export async function workingSession(
  world: E2eWorld,
  svc: RunningService,
  name: string,
  config: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<SimControl> {
  world.allowControl(name);
  const page = world.sim.nextPage();
  const res = await http(svc, 'POST', '/api/sessions', { name, config }, headers);
  if (res.status !== 201) throw new Error(`create '${name}': ${res.status} ${await res.text()}`);
  const control = world.sim.control((await page).profileId);
  await reach(svc.sessions, name, 'SCAN_QR_CODE', 15_000);
  const working = nextStatus(svc.bus, name, 'WORKING', 15_000);
  await control.scan();
  await working;
  return control;
}

/** POST/PUT with a JSON body; returns status and parsed JSON (null when empty). */
export async function call(
  svc: RunningService,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const res = await http(svc, method, path, body, headers);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** A WebSocket client of `/ws` that records every envelope it receives. */
export class WsClient extends Waits {
  readonly envelopes: Record<string, any>[] = [];
  private readonly ws: WebSocket;
  readonly opened: Promise<void>;

  constructor(svc: RunningService, query: string) {
    super();
    const url = new URL(`/ws?${query}`, svc.url);
    url.protocol = 'ws:';
    this.ws = new WebSocket(url.href);
    this.ws.onmessage = (m) => {
      this.envelopes.push(JSON.parse(String(m.data)));
      this.poke();
    };
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error(`WebSocket ${url.href} failed`));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** A tiny valid PNG (1×1), as bytes. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A local HTTP file server on port 0 (for sends from `file.url`). */
export function fileServer(files: Record<string, { bytes: Uint8Array; type: string }>) {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) => {
      const f = files[new URL(req.url).pathname];
      return f ? new Response(new Uint8Array(f.bytes), { headers: { 'content-type': f.type } }) : new Response('no', { status: 404 });
    },
  });
  return { url: (path: string) => `http://127.0.0.1:${server.port}${path}`, stop: () => server.stop(true) };
}
