/**
 * The simulator works with the real whatsapp-web.js Client in real Chromium: pairing, session
 * persistence, logout and disconnects, sending with acks, receiving, and both control transports.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Client, Message } from 'whatsapp-web.js';
import { type SimControl, SimControlServer, simOnPage } from './control';
import { nextEvent, SimRoot } from './harness';
import { allowLoopbackControl, DEFAULT_ME, simContactId } from './index';

const ME = `${DEFAULT_ME.number}@c.us`;
// Each test launches Chromium; bunfig's [test] timeout did not reach these files (5 s default seen).
setDefaultTimeout(60_000);
let root: SimRoot | undefined;
let server: SimControlServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await root?.cleanup();
  root = undefined;
});

const simOf = (client: Client): SimControl => simOnPage(client.pupPage as never);

/** Starts `client` and resolves once it is ready. */
async function startReady(client: Client): Promise<void> {
  const ready = nextEvent(client, 'ready');
  void client.initialize();
  await ready;
}

describe('pairing', () => {
  test('qr → scan → authenticated → ready, then send (acks 1 → 2 → 3) and receive', async () => {
    root = new SimRoot();
    const client = root.client();
    const qr = nextEvent<[string]>(client, 'qr');
    const authenticated = nextEvent(client, 'authenticated');
    const ready = nextEvent(client, 'ready');
    void client.initialize();

    const [qrString] = await qr;
    const [ref, noiseKey, identityKey, advSecret, platform] = qrString.split(',');
    expect(qrString.split(',')).toHaveLength(5);
    expect(ref).toStartWith('2@');
    expect([noiseKey, identityKey, advSecret].every((k) => /^[A-Za-z0-9+/]+=*$/.test(k ?? ''))).toBe(true);
    expect(platform).toBe('WEB');

    const refreshed = nextEvent<[string]>(client, 'qr');
    await simOf(client).refreshQr();
    const [nextQr] = await refreshed;
    expect(nextQr.split(',').slice(1)).toEqual(qrString.split(',').slice(1)); // same keys, new ref
    expect(nextQr).not.toBe(qrString);

    await simOf(client).scan();
    await authenticated;
    await ready;
    expect(client.info.wid._serialized).toBe(ME);
    expect(client.info.pushname).toBe(DEFAULT_ME.pushName);

    const sim = simOf(client);
    const acks: number[] = [];
    let sentId = '';
    const read = nextEvent<[Message, number]>(client, 'message_ack', (m, ack) => {
      if (m.id._serialized === sentId || !sentId) acks.push(ack);
      return ack === 3;
    });
    const to = simContactId(0);
    const sent = await client.sendMessage(to, 'hello from the test');
    sentId = sent.id._serialized;
    await read;
    expect(acks).toEqual([1, 2, 3]);
    expect(await sim.outbox()).toEqual([{ id: sentId, chatId: to, type: 'chat', body: 'hello from the test', ack: 3, t: sent.timestamp }]);

    const incoming = nextEvent<[Message]>(client, 'message');
    const id = await sim.receive({ from: simContactId(1), body: 'hi from the phone' });
    const [msg] = await incoming;
    expect({ id: msg.id._serialized, from: msg.from, to: msg.to, body: msg.body, fromMe: msg.fromMe }).toEqual({
      id,
      from: simContactId(1),
      to: ME,
      body: 'hi from the phone',
      fromMe: false,
    });
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
  });

  test('a restart with the same profile goes straight to ready, with no qr, keeping received and sent messages', async () => {
    root = new SimRoot({ autoScan: true });
    const first = root.client();
    await startReady(first);
    const peer = simContactId(2);
    const received = await simOf(first).receive({ from: peer, body: 'kept across the restart' });
    const sent = await first.sendMessage(peer, 'also kept');
    await first.destroy();

    const again = root.client();
    const qrs: string[] = [];
    const events: string[] = [];
    again.on('qr', (qr: string) => qrs.push(qr));
    again.on('message', (m: Message) => events.push(m.id._serialized));
    await startReady(again);
    expect(qrs).toEqual([]);
    expect(again.info.wid._serialized).toBe(ME);
    // Like WhatsApp Web's database: the messages are history again, not new ones.
    const last = (await (await again.getChatById(peer)).fetchMessages({ limit: 2 })).map((m) => [m.body, m.id._serialized, m.fromMe]);
    expect(last.sort()).toEqual([
      ['also kept', sent.id._serialized, true],
      ['kept across the restart', received, false],
    ]); // same second: either order
    expect(events).toEqual([]);
    const status = await simOf(again).status();
    expect({ paired: status.paired, state: status.state, missing: status.missing }).toEqual({
      paired: true,
      state: 'CONNECTED',
      missing: { modules: [], props: [] },
    });
  });

  test('pairing code: requestPairingCode → code → the phone enters it → ready as that number', async () => {
    root = new SimRoot();
    const client = root.client({
      extra: { pairWithPhoneNumber: { phoneNumber: '15550002222', showNotification: false, intervalMs: 180_000 } },
    });
    const code = nextEvent<[string]>(client, 'code');
    const ready = nextEvent(client, 'ready');
    void client.initialize();
    const [pairingCode] = await code;
    expect(pairingCode).toMatch(/^[A-Z0-9]{8}$/);
    await simOf(client).enterPairingCode(`${pairingCode.slice(0, 4)}-${pairingCode.slice(4)}`);
    await ready;
    expect(client.info.wid._serialized).toBe('15550002222@c.us');
  });
});

describe('leaving the session', () => {
  test('logout from the phone: disconnected(LOGOUT), then a fresh qr', async () => {
    root = new SimRoot({ autoScan: true });
    const client = root.client();
    await startReady(client);
    const disconnected = nextEvent<[string]>(client, 'disconnected');
    const newQr = nextEvent(client, 'qr');
    await simOf(client).logoutFromPhone();
    expect(await disconnected).toEqual(['LOGOUT']);
    await newQr;
    // The library injects again after the reload; let it finish before the browser goes away.
    await simOf(client).waitForInjected();
    expect((await simOf(client).status()).paired).toBe(false);
  });

  test('remote states: TIMEOUT is survived, CONFLICT disconnects', async () => {
    root = new SimRoot({ autoScan: true });
    const client = root.client();
    await startReady(client);
    const sim = simOf(client);
    const disconnects: string[] = [];
    client.on('disconnected', (reason: string) => disconnects.push(reason));

    const timeout = nextEvent(client, 'change_state', (s) => s === 'TIMEOUT');
    await sim.disconnect('TIMEOUT');
    await timeout;
    const back = nextEvent(client, 'change_state', (s) => s === 'CONNECTED');
    await sim.reconnect();
    await back;
    expect(disconnects).toEqual([]);

    const conflict = nextEvent<[string]>(client, 'disconnected');
    await sim.disconnect('CONFLICT');
    expect(await conflict).toEqual(['CONFLICT']);
  });
});

describe('control over the loopback server', () => {
  test('a page in a browser the test does not drive: receive, outbox, failed send', async () => {
    server = SimControlServer.start();
    root = new SimRoot({ controlUrl: server.url, autoScan: true });
    allowLoopbackControl(root.profileDir()); // Chromium's Local Network Access, see index.ts
    const client = root.client();
    const page = server.waitForPage();
    await startReady(client);
    const sim = server.control((await page).profileId);

    const incoming = nextEvent<[Message]>(client, 'message');
    await sim.receive({ from: simContactId(2), body: 'over the socket' });
    expect((await incoming)[0].body).toBe('over the socket');

    await client.sendMessage(simContactId(2), 'ping');
    expect(await sim.waitForOutbox({ body: 'ping' })).toMatchObject({ chatId: simContactId(2), type: 'chat' });

    await sim.failNextSend({ message: 'simulated send failure' });
    await expect(client.sendMessage(simContactId(2), 'lost')).rejects.toThrow('simulated send failure');
    const status = await sim.status();
    expect({ me: status.me, missing: status.missing }).toEqual({
      me: { id: ME, pushName: DEFAULT_ME.pushName },
      missing: { modules: [], props: [] },
    });
  });
});
