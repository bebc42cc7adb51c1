/**
 * One paired whatsapp-web.js Client per test file (Chromium starts once), for the area tests:
 * each test uses its own chats so no test depends on another, and after each test the library
 * must have asked for nothing the simulator lacks.
 */
import { afterAll, afterEach, beforeAll, expect } from 'bun:test';
import type { Client } from 'whatsapp-web.js';
import { type SimControl, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import type { SimPageOptions } from './index';

export interface Paired {
  client: Client;
  sim: SimControl;
  root: SimRoot;
}

/** Starts a Client on a fresh simulator root and resolves once it is ready. */
export async function startPaired(opts: SimPageOptions = {}): Promise<Paired> {
  const root = new SimRoot({ autoScan: true, ...opts });
  const client = root.client();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  return { client, sim: simOnPage(client.pupPage as never), root };
}

/** Registers beforeAll / afterEach / afterAll for a file's paired session; read `.client` and `.sim` inside tests. */
export function pairedSession(opts: SimPageOptions = {}): Paired {
  const session = {} as Paired;
  beforeAll(async () => {
    Object.assign(session, await startPaired(opts));
  });
  afterEach(async () => {
    expect(await session.sim.missing()).toEqual({ modules: [], props: [] });
  });
  afterAll(async () => {
    await session.root?.cleanup();
  });
  return session;
}
