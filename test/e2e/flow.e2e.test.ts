/**
 * The full flow over the real stack, as one test (each step needs the one before): a send before
 * WORKING is refused, QR → WORKING → sendText → receive → logout, then the simulator's list of
 * missing modules is empty; and the message the API sent is in the simulator's own outbox, so the
 * test fails if whatsapp-web.js is not driving the page.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { DEFAULT_ME, simContactId } from '../sim/index';
import { call } from '../support/messaging';
import type { RunningService } from '../support/service';
import { nextStatus, reach } from '../support/waits';
import { hmacOf, Receiver } from '../support/webhooks';
import { E2eWorld, http } from '../support/world';

const NAME = 'flow';
const KEY = 'flow-secret';
const PEER = simContactId(1);
let world: E2eWorld;
let svc: RunningService;
let receiver: Receiver;

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver();
  svc = await world.start();
});
afterAll(async () => {
  await receiver.stop();
  await world.dispose();
});

const arrivals = (event: string) => receiver.arrivals.filter((a) => a.json.event === event);

test('the full flow in real Chromium: QR, WORKING, send, acks, receive, logout', async () => {
  const sim = await step('a send while the session is not WORKING → 422 with its status', async () => {
    world.allowControl(NAME);
    const page = world.sim.nextPage();
    const webhooks = [{ url: receiver.url, events: ['message', 'message.ack', 'session.status'], hmac: { key: KEY } }];
    expect((await http(svc, 'POST', '/api/sessions', { name: NAME, config: { webhooks } })).status).toBe(201);
    const sim = world.sim.control((await page).profileId);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 15_000);
    const res = await call(svc, 'POST', '/api/sendText', { session: NAME, chatId: PEER, text: 'too early' });
    expect(res.status).toBe(422);
    expect(res.json.message).toContain('SCAN_QR_CODE');
    expect((await sim.outbox()).length).toBe(0);
    return sim;
  });

  await step('QR → scan → WORKING; the receiver sees session.status WORKING', async () => {
    const working = nextStatus(svc.bus, NAME, 'WORKING', 15_000);
    await sim.scan();
    await working;
    await receiver.until(() => arrivals('session.status').some((a) => a.json.payload.status === 'WORKING'), 'WORKING webhook');
  });

  await step("sendText → 201 with the message; it is in the simulator's outbox; message.ack events follow", async () => {
    const res = await call(svc, 'POST', '/api/sendText', { session: NAME, chatId: PEER, text: 'hello from the API' });
    expect(res.status).toBe(201);
    const m = res.json;
    expect(m.id).toEqual({ fromMe: true, remote: PEER, id: expect.any(String), _serialized: `true_${PEER}_${m.id.id}` });
    expect(m).toMatchObject({
      fromMe: true,
      body: 'hello from the API',
      from: `${DEFAULT_ME.number}@c.us`,
      to: PEER,
      hasMedia: false,
      type: 'chat',
    });
    expect(typeof m.timestamp).toBe('number');
    expect(typeof m.ack).toBe('number');

    // The real-driver check: the page's own record of what the library sent.
    const sent = await sim.waitForOutbox({ id: m.id._serialized });
    expect(sent).toMatchObject({ chatId: PEER, type: 'chat', body: 'hello from the API' });

    // Acks 1 → 2 → 3 (the simulator's auto mode) reach the receiver, each signed.
    await receiver.until(
      () => arrivals('message.ack').some((a) => a.json.payload.id === m.id._serialized && a.json.payload.ack === 3),
      'ack 3',
    );
    const acks = arrivals('message.ack').filter((a) => a.json.payload.id === m.id._serialized);
    expect(acks.map((a) => a.json.payload.ackName)).toEqual(['SERVER', 'DEVICE', 'READ']);
    for (const a of acks) expect(a.headers.get('x-webhook-hmac')).toBe(hmacOf(KEY, a.body));
  });

  await step("an incoming message → a message webhook in WAHA's shape", async () => {
    const id = await sim.receive({ from: PEER, body: 'hi from the phone' });
    await receiver.until(() => arrivals('message').some((a) => a.json.payload.body === 'hi from the phone'), 'incoming message');
    const env = arrivals('message').find((a) => a.json.payload.body === 'hi from the phone')!.json;
    expect(env).toMatchObject({ event: 'message', session: NAME, me: { id: `${DEFAULT_ME.number}@c.us` } });
    const { id: got, ...rest } = env.payload;
    expect(got).toStartWith(`false_${PEER}_`);
    expect(got).toContain(id.split('_').at(-1)!);
    expect(rest).toMatchObject({ from: PEER, fromMe: false, source: 'app', hasMedia: false, media: null, ackName: expect.any(String) });
  });

  await step('logout → a new QR; the library asked for nothing the simulator lacks, before and after', async () => {
    // The driven page goes away with the logout: its record (QR, scan, send, acks, receive) is read first.
    expect(await sim.missing()).toEqual({ modules: [], props: [] });
    const res = await http(svc, 'POST', `/api/sessions/${NAME}/logout`);
    expect(res.status).toBe(201);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 15_000);
    expect(svc.sessions.me(NAME)).toBeNull();
    // The logout removed the profile (and its permission to reach the control server): grant it
    // again and look at the page that shows the new QR.
    await http(svc, 'POST', `/api/sessions/${NAME}/stop`);
    world.allowControl(NAME);
    const page = world.sim.nextPage();
    await http(svc, 'POST', `/api/sessions/${NAME}/start`);
    const fresh = world.sim.control((await page).profileId);
    await reach(svc.sessions, NAME, 'SCAN_QR_CODE', 15_000);
    expect((await fresh.status()).paired).toBe(false);
    expect(await fresh.missing()).toEqual({ modules: [], props: [] });
  });
}, 120_000);

/** One step of the flow: its name says which step failed. */
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new Error(`step "${name}" failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
