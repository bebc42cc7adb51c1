/**
 * For the end-to-end tests of single routes: each test runs in a session of its own on the
 * simulator, deleted after it (the service caps running sessions), and waits on bus events.
 */
import type { BusEvent } from '../../src/events/bus';
import type { SimControl } from '../sim/control';
import { call, workingSession } from './messaging';
import type { RunningService } from './service';
import { nextEvent } from './waits';
import type { E2eWorld } from './world';

/** Runs `fn` with a WORKING session `name` and its simulator page; the session is deleted after. */
export async function inSession<T>(world: E2eWorld, svc: RunningService, name: string, fn: (sim: SimControl) => Promise<T>): Promise<T> {
  const sim = await workingSession(world, svc, name);
  try {
    return await fn(sim);
  } finally {
    await call(svc, 'DELETE', `/api/sessions/${name}`);
  }
}

/** The next `event` of session `name` whose payload `match`es; subscribe before acting. */
export function nextWaEvent(svc: RunningService, name: string, event: string, match: (p: any) => boolean = () => true, ms = 20_000) {
  return nextEvent(svc.bus, (e: BusEvent) => e.session === name && e.event === event && match(e.payload), ms).then((e) => e.payload as any);
}
