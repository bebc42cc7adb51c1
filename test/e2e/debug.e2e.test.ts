/**
 * WAHA's browser trace debug route against a simulated session in real Chromium: a trace.json that
 * Chrome DevTools opens (trace events of the page), the 413 once a trace passes its byte bound
 * (read as a DevTools stream), and the session's own answers (422 while not WORKING).
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { reach } from '../support/waits';
import { E2eWorld, http } from '../support/world';

const T = 60_000;
let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start({ WAHA_DEBUG_MODE: 'true' });
});
afterAll(async () => {
  await world.dispose();
});

test(
  "a trace of a WORKING session's page: trace events as a download; past its byte bound, 413",
  async () => {
    const name = 'traced';
    await workingSession(world, svc, name);
    const res = await http(svc, 'GET', `/api/server/debug/browser/trace/${name}?seconds=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename=trace-${name}-\\d+\\.json$`));
    const trace = await res.json();
    expect(trace.traceEvents.length).toBeGreaterThan(0);
    expect(trace.traceEvents[0]).toMatchObject({ ph: expect.any(String), pid: expect.any(Number) });

    const small = svc.sessions.browserTrace(name, { seconds: 1, categories: ['*'], maxBytes: 1000 });
    expect(small).rejects.toMatchObject({ status: 413 });
    await small.catch(() => {});
    // The page is unharmed, and traced again.
    expect((await http(svc, 'GET', `/api/server/debug/browser/trace/${name}?seconds=1&categories=devtools.timeline`)).status).toBe(200);
    await svc.sessions.delete(name);
  },
  T,
);

test(
  'a session that is not WORKING: 422 with its status',
  async () => {
    const name = 'scanning';
    world.allowControl(name);
    await http(svc, 'POST', '/api/sessions', { name });
    await reach(svc.sessions, name, 'SCAN_QR_CODE', 20_000);
    const res = await http(svc, 'GET', `/api/server/debug/browser/trace/${name}?seconds=1`);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ session: name, status: 'SCAN_QR_CODE', expected: ['WORKING'] });
    await svc.sessions.delete(name);
  },
  T,
);
