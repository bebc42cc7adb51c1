/**
 * `/ws` served by the real edge (where the upgrade and its API key check happen) on port 0:
 * WebSocket clients get the same envelope text the webhook receiver gets, filtered by session
 * and event.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { createApp } from '../src/app';
import { parseConfig } from '../src/config';
import { type EventClient, EventHub } from '../src/events/hub';
import { createKeyCheck } from '../src/http/api-key';
import { createEdge } from '../src/http/edge';
import { serveOptions } from '../src/http/server';
import { silentLogger } from '../src/log';
import { MemorySampler } from '../src/memory/sampler';
import { ServerService } from '../src/modules/server/service';
import { wsRoute } from '../src/modules/ws';
import { tempSqliteStore } from './support/stores';
import { Receiver, Rig, Waits } from './support/webhooks';

const KEY = 'ws-test-key';
const config = parseConfig({ WAHA_API_KEY: KEY });
const memory = new MemorySampler({ limitMb: config.MEMORY_THRESHOLD_MB, browsers: () => [] });
const server = new ServerService({
  memory,
  startedAt: Date.now(),
  workerId: 'ws',
  browser: () => 'test',
  sessionCounts: () => ({ total: 0, working: 0 }),
});
const store = tempSqliteStore();
const receiver = new Receiver();
const rig = await Rig.create(store.store, { webhooks: { default: [{ url: receiver.url, events: ['*'] }] } });
const hub = new EventHub(silentLogger);
hub.follow(rig.outbox);
const keyCheck = createKeyCheck(KEY);
const app = createApp({ config, log: silentLogger, keyCheck, server });
const edge = createEdge({ app, log: silentLogger, limits: { maxBytes: 1 << 20, maxDepth: 64 }, ws: wsRoute(hub, keyCheck, false) });
const listening = Bun.serve(serveOptions(edge, { port: 0, hostname: '127.0.0.1' }));
const base = `127.0.0.1:${listening.port}`;
const sockets: WebSocket[] = [];

afterAll(async () => {
  for (const s of sockets) s.close();
  hub.closeAll();
  await listening.stop(true);
  await rig.stop();
  await receiver.stop();
  await store.dispose();
});

/** Opens a client; resolves once the server has accepted it. */
function connect(query: string, headers: Record<string, string> = {}): Promise<{ frames: string[]; waits: Waits }> {
  // Bun's WebSocket takes `{ headers }`; the DOM lib's constructor type only knows protocols.
  const options: Bun.WebSocketOptions = { headers };
  const ws = new WebSocket(`ws://${base}/ws?${query}`, options as unknown as string[]);
  sockets.push(ws);
  const frames: string[] = [];
  const waits = new Waits();
  ws.onmessage = (m) => {
    frames.push(String(m.data));
    waits.poke();
  };
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve({ frames, waits });
    ws.onerror = () => reject(new Error(`WebSocket ${query} refused`));
  });
}

/** The upgrade request as a plain fetch, to read the status of a refused one. */
const upgrade = (query: string, headers: Record<string, string> = {}) =>
  fetch(`http://${base}/ws?${query}`, {
    signal: AbortSignal.timeout(5000),
    headers: {
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      ...headers,
    },
  });

describe('/ws', () => {
  test('clients get the webhook envelopes, byte for byte, filtered by session and event', async () => {
    const messagesOnly = await connect('session=default&events=message', { 'x-api-key': KEY });
    const everything = await connect(`x-api-key=${KEY}`);
    const before = hub.size;
    expect(before).toBe(2);

    const messages = await rig.publish(5, 'message');
    const statuses = await rig.publish(2, 'session.status');
    const other = await rig.publish(2, 'message', 'other');
    await messagesOnly.waits.until(() => messagesOnly.frames.length >= 5, '5 frames');
    await everything.waits.until(() => everything.frames.length >= 9, '9 frames');
    await receiver.distinct(7);

    const ids = (frames: string[]) => frames.map((f) => JSON.parse(f).id);
    expect(ids(messagesOnly.frames)).toEqual(messages);
    expect(ids(everything.frames)).toEqual([...messages, ...statuses, ...other]);
    const webhookBodies = receiver.arrivals.map((a) => a.body);
    expect(everything.frames.slice(0, 7)).toEqual(webhookBodies.slice(0, 7));
  });

  test('the upgrade needs the API key, in the one error shape', async () => {
    const none = await upgrade('session=*');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' });
    expect((await upgrade('x-api-key=wrong')).status).toBe(401);
  });

  test('a plain GET /ws (no Upgrade header) is the documented 400, after the key check; other methods have no route', async () => {
    const plain = await fetch(`http://${base}/ws?x-api-key=${KEY}`);
    expect(plain.status).toBe(400);
    expect(await plain.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Expected a WebSocket upgrade request.' });
    expect((await fetch(`http://${base}/ws`)).status).toBe(401);
    expect((await fetch(`http://${base}/ws?x-api-key=${KEY}`, { method: 'POST' })).status).toBe(404);
  });

  test('an event name this service does not know is accepted (a newer client), and never matches', async () => {
    const client = await connect(`events=engine.event,message&x-api-key=${KEY}`);
    const ids = await rig.publish(1, 'message');
    await client.waits.until(() => client.frames.length >= 1, '1 frame');
    expect(client.frames.map((f) => JSON.parse(f).id)).toEqual(ids);
  });
});

describe('EventHub', () => {
  test('a client with too much unsent data is disconnected instead of buffered', () => {
    const closed: [number | undefined, string | undefined][] = [];
    let buffered = 0;
    const sent: string[] = [];
    const client: EventClient = {
      send: (s) => {
        sent.push(s);
        return s.length;
      },
      getBufferedAmount: () => buffered,
      close: (c, r) => closed.push([c, r]),
    };
    const h = new EventHub(silentLogger, 1000);
    h.add(client, { session: '*', events: ['*'] });
    h.publish({ session: 'a', event: 'message' }, '{"n":1}');
    buffered = 5000;
    h.publish({ session: 'a', event: 'message' }, '{"n":2}');
    h.publish({ session: 'a', event: 'message' }, '{"n":3}');
    expect(sent).toEqual(['{"n":1}']);
    expect(closed).toEqual([[1013, 'too slow: unsent events over the limit']]);
    expect(h.size).toBe(0);
  });
});
