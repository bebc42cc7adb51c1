/**
 * The outbound policy and the engine's failures over the real stack (real whatsapp-web.js in real
 * Chromium against the simulator): a media URL on loopback is refused by default and sent once
 * MEDIA_FETCH_ALLOW opens it; a send to a session that is not WORKING gets WAHA's 422; a send
 * the page rejects answers 502 naming the call; a webhook on a WEBHOOK_DENY address is never
 * delivered and its dead letter says why.
 */
import { afterAll, afterEach, expect, test } from 'bun:test';
import { Logger } from '../../src/log';
import { simContactId } from '../sim/index';
import { call, fileServer, PNG_1X1, workingSession } from '../support/messaging';
import { Receiver, Waits } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const PEER = simContactId(1);
const files = fileServer({ '/pic.png': { bytes: PNG_1X1, type: 'image/png' } });
const worlds: E2eWorld[] = [];
/** A new world per test: the policy is read from the environment once, at start-up. */
const newWorld = () => {
  const w = new E2eWorld();
  worlds.push(w);
  return w;
};
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.dispose();
});
afterAll(() => files.stop());

test('a media URL on 127.0.0.1 is refused by default: 400 naming MEDIA_FETCH_ALLOW, nothing sent', async () => {
  const world = newWorld();
  const svc = await world.start();
  const sim = await workingSession(world, svc, 'refuse');
  const res = await call(svc, 'POST', '/api/sendImage', {
    session: 'refuse',
    chatId: PEER,
    caption: 'from loopback',
    file: { mimetype: 'image/png', url: files.url('/pic.png') },
  });
  expect(res.status).toBe(400);
  expect(res.json).toMatchObject({
    statusCode: 400,
    error: 'Bad Request',
    message: 'file.url refused: 127.0.0.1 is not a public address (loopback); allow it with MEDIA_FETCH_ALLOW.',
    details: { field: 'file.url' },
  });
  expect((await sim.outbox()).filter((o) => o.caption === 'from loopback')).toEqual([]);
  expect((await call(svc, 'DELETE', '/api/sessions/refuse')).status).toBe(200);
}, 60_000);

test("a send to a session that is not WORKING gets WAHA's 422; to none, 404", async () => {
  const world = newWorld();
  const svc = await world.start();
  expect((await call(svc, 'POST', '/api/sessions', { name: 'idle', start: false })).status).toBe(201);
  const idle = await call(svc, 'POST', '/api/sendText', { session: 'idle', chatId: PEER, text: 'x' });
  expect(idle.status).toBe(422);
  expect(idle.json).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', details: { session: 'idle', status: 'STOPPED' } });
  expect(idle.json.message).toContain("'idle' is STOPPED, expected WORKING");
  const none = await call(svc, 'POST', '/api/sendText', { session: 'nobody', chatId: PEER, text: 'x' });
  expect(none.status).toBe(404);
});

test("with MEDIA_FETCH_ALLOW=127.0.0.1 the image is fetched and reaches the simulator's outbox", async () => {
  const world = newWorld();
  const svc = await world.start({ MEDIA_FETCH_ALLOW: '127.0.0.1' });
  const sim = await workingSession(world, svc, 'allow');
  const res = await call(svc, 'POST', '/api/sendImage', {
    session: 'allow',
    chatId: PEER,
    caption: 'from loopback',
    file: { mimetype: 'image/png', url: files.url('/pic.png') },
  });
  expect(res.status).toBe(201);
  const out = await sim.waitForOutbox({ id: res.json.id._serialized });
  expect(out).toMatchObject({
    chatId: PEER,
    type: 'image',
    caption: 'from loopback',
    media: { mimetype: 'image/png', size: PNG_1X1.length },
  });
  expect(Buffer.from(await sim.mediaData(out.media!.directPath), 'base64')).toEqual(PNG_1X1);
  expect((await call(svc, 'DELETE', '/api/sessions/allow')).status).toBe(200);
}, 60_000);

test('a send whatsapp-web.js rejects → 502 naming the call and its message; the next send works', async () => {
  const world = newWorld();
  const svc = await world.start();
  const sim = await workingSession(world, svc, 'fail');
  await sim.failNextSend({ mode: 'throw', message: 'the page refused this send' });
  const res = await call(svc, 'POST', '/api/sendText', { session: 'fail', chatId: PEER, text: 'doomed' });
  expect(res.status).toBe(502);
  expect(res.json).toEqual({
    statusCode: 502,
    error: 'Bad Gateway',
    message: 'WhatsApp Web call messages.sendText failed: SendMsgError: the page refused this send',
    details: { call: 'messages.sendText' },
    requestId: expect.any(String),
  });
  expect((await sim.outbox()).filter((o) => o.body === 'doomed')).toEqual([]);
  const again = await call(svc, 'POST', '/api/sendText', { session: 'fail', chatId: PEER, text: 'after the failure' });
  expect(again.status).toBe(201);
  await sim.waitForOutbox({ id: again.json.id._serialized });
  expect((await call(svc, 'DELETE', '/api/sessions/fail')).status).toBe(200);
}, 60_000);

test('a webhook on a WEBHOOK_DENY address is never delivered; the dead letter says why', async () => {
  const world = newWorld();
  const denied = new Receiver();
  const lines: Record<string, unknown>[] = [];
  const logged = new Waits();
  const log = new Logger({
    level: 'error',
    format: 'JSON',
    write: (line) => {
      lines.push(JSON.parse(line));
      logged.poke();
    },
  });
  try {
    const svc = await world.start({ WEBHOOK_DENY: '127.0.0.1' }, { log });
    const hook = { url: denied.url, events: ['session.status'], retries: { policy: 'constant', delaySeconds: 0, attempts: 0 } };
    await workingSession(world, svc, 'deny', { webhooks: [hook] });
    const buried = () =>
      lines.filter((l) => l.msg === 'webhook delivery gave up; event moved to webhook_dead_letter' && l.url === denied.url);
    // STARTING, SCAN_QR_CODE and WORKING: three events, each refused at its one attempt.
    await logged.until(() => buried().length >= 3, 'three dead letters', 15_000);
    expect(buried().map((l) => l.error)).toEqual(Array(buried().length).fill('127.0.0.1 is denied by WEBHOOK_DENY'));
    expect(buried().map((l) => l.event)).toEqual(Array(buried().length).fill('session.status'));
    expect(denied.arrivals).toEqual([]);
    const stats = svc.service.events.outbox.stats();
    expect(stats.deadLettered).toBeGreaterThanOrEqual(3);
    expect(stats.delivered).toBe(0);
    expect((await call(svc, 'DELETE', '/api/sessions/deny')).status).toBe(200);
  } finally {
    await denied.stop();
  }
}, 60_000);
