/**
 * The area control methods (edits, revokes, calls, polls, profile, ...) over the loopback
 * WebSocket transport, as a test drives a browser started by another process (the service).
 */
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test';
import type { Call, Message } from 'whatsapp-web.js';
import { SimControlServer } from './control';
import { nextEvent, SimRoot } from './harness';
import { allowLoopbackControl, DEFAULT_ME } from './index';

// Each file launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
let server: SimControlServer | undefined;
let root: SimRoot | undefined;
afterAll(async () => {
  await server?.stop();
  await root?.cleanup();
});

test('incoming edit, revoke and call, and reading state, over the loopback server', async () => {
  server = SimControlServer.start();
  root = new SimRoot({ controlUrl: server.url, autoScan: true });
  allowLoopbackControl(root.profileDir()); // Chromium's Local Network Access, see index.ts
  const client = root.client();
  const page = server.waitForPage();
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
  const sim = server.control((await page).profileId);
  const from = '15550107401@c.us';

  const got = nextEvent<[Message]>(client, 'message', (m) => m.from === from);
  const id = await sim.receive({ from, body: 'first draft' });
  await got;
  const edited = nextEvent<[Message, string]>(client, 'message_edit', (m) => m.id._serialized === id);
  await sim.editIncoming(id, 'second draft');
  expect((await edited)[1]).toBe('second draft');
  const revoked = nextEvent<[Message]>(client, 'message_revoke_everyone', (m) => m.id._serialized === id);
  await sim.revokeIncoming(id);
  await revoked;
  expect(await sim.message(id)).toMatchObject({ revoked: true, edited: true, previousBodies: ['first draft'] });

  const ringing = nextEvent<[Call]>(client, 'call');
  const callId = await sim.incomingCall({ from });
  await (await ringing)[0].reject();
  expect((await sim.calls()).map((c) => [c.id, c.state])).toEqual([[callId, 'rejected']]);

  await client.archiveChat(from);
  expect(await sim.chatState(from)).toMatchObject({ archived: true, messages: 1 });
  expect(await sim.profile()).toMatchObject({ id: `${DEFAULT_ME.number}@c.us`, pushName: DEFAULT_ME.pushName });
  expect(await sim.missing()).toEqual({ modules: [], props: [] });
});
