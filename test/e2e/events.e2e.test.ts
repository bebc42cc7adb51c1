/**
 * Events at the source over the real stack: `config.ignore` drops an ignored chat's events
 * before they are mapped or queued; incoming media is downloaded (WHATSAPP_DOWNLOAD_MEDIA),
 * stored under the data folder and served with the API key at the event's `media.url`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BusEvent } from '../../src/events/bus';
import type { SimControl } from '../sim/control';
import { simContactId, simGroupId } from '../sim/index';
import { call, PNG_1X1, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

const S = 'events';
const KEY = 'e2e-api-key';
const AUTH = { 'x-api-key': KEY };
const PEER = simContactId(1);
const GROUP = simGroupId(0);
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
let receiver: Receiver;
const bus: BusEvent[] = [];

beforeAll(async () => {
  world = new E2eWorld();
  receiver = new Receiver();
  svc = await world.start({ WAHA_NO_API_KEY: 'false', WAHA_API_KEY: KEY, WHATSAPP_DOWNLOAD_MEDIA: 'true' });
  svc.bus.subscribe((e) => {
    if (e.session === S) bus.push(e);
  });
  const config = { ignore: { groups: true }, webhooks: [{ url: receiver.url, events: ['message', 'message.any'] }] };
  sim = await workingSession(world, svc, S, config, AUTH);
}, 60_000);
afterAll(async () => {
  await receiver.stop();
  await world.dispose();
});

const messages = () => receiver.arrivals.filter((a) => a.json.event === 'message').map((a) => a.json.payload);

describe('config.ignore', () => {
  test('an ignored group message produces no event at all; a direct one does', async () => {
    await sim.receive({ from: GROUP, body: 'group chatter' });
    await sim.receive({ from: PEER, body: 'direct after the group' });
    await receiver.until(() => messages().some((m) => m.body === 'direct after the group'), 'the direct message');
    // Events of one session are queued in order: the group's would have come first.
    expect(receiver.arrivals.some((a) => a.json.payload.from === GROUP)).toBe(false);
    expect(bus.some((e) => JSON.stringify(e.payload).includes(GROUP))).toBe(false);
    // Our own send to the group is not published either (message.any, message.ack).
    const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: GROUP, text: 'to the group' }, AUTH);
    expect(sent.status).toBe(201);
    await sim.waitForOutbox({ id: sent.json.id._serialized });
    await sim.receive({ from: PEER, body: 'direct after our group send' });
    await receiver.until(() => messages().some((m) => m.body === 'direct after our group send'), 'the second direct message');
    expect(bus.some((e) => JSON.stringify(e.payload).includes(GROUP))).toBe(false);
  });
});

describe('incoming media', () => {
  test('is stored under the data folder and served with the API key at media.url', async () => {
    await sim.receive({
      from: PEER,
      caption: 'a picture',
      media: { mimetype: 'image/png', data: PNG_1X1.toString('base64'), filename: 'dot.png' },
    });
    await receiver.until(() => messages().some((m) => m.hasMedia), 'the image message');
    const m = messages().find((x) => x.hasMedia)!;
    expect(m.media).toEqual({
      url: expect.stringMatching(new RegExp(`^http://localhost:${svc.url.port}/api/files/${S}/`)),
      mimetype: 'image/png',
      filename: 'dot.png',
    });
    const file = decodeURIComponent(new URL(m.media.url).pathname.split('/').pop()!);
    expect(existsSync(join(world.dataDir, 'media', S, file))).toBe(true);

    const url = new URL(new URL(m.media.url).pathname, svc.url);
    const ok = await fetch(url, { headers: AUTH });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toStartWith('image/png');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(PNG_1X1);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(new URL(`/api/files/${S}/nothing.png`, svc.url), { headers: AUTH })).status).toBe(404);
    expect((await fetch(new URL(`/api/files/${S}/..%2F..%2Fstore.sqlite`, svc.url), { headers: AUTH })).status).toBe(404);

    // message.any carries the same stored link (one download for both events).
    await receiver.until(() => receiver.arrivals.some((a) => a.json.event === 'message.any' && a.json.payload.hasMedia), 'message.any');
    const any = receiver.arrivals.find((a) => a.json.event === 'message.any' && a.json.payload.hasMedia)!.json.payload;
    expect(any.media).toEqual(m.media);
  });
});
