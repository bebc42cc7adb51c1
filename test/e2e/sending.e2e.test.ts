/**
 * Every sending route over the real stack: one WORKING session in real Chromium, the simulator's
 * outbox as the proof that whatsapp-web.js really drove the page with what the API was given.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { SimControl } from '../sim/control';
import { simContactId, simGroupId } from '../sim/index';
import { call, fileServer, PNG_1X1, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

const S = 'send';
const PEER = simContactId(1);
const OTHER = simContactId(2);
const GROUP = simGroupId(0);
const OGG = Buffer.from('OggS-fake-opus-payload');
const MP4 = Buffer.from('\0\0\0\x18ftypmp42-fake-video');
let world: E2eWorld;
let svc: RunningService;
let sim: SimControl;
let files: ReturnType<typeof fileServer>;

beforeAll(async () => {
  world = new E2eWorld();
  // The test's file server is on loopback, which media fetches refuse unless allowed.
  svc = await world.start({ MEDIA_MAX_MB: '1', MEDIA_FETCH_ALLOW: '127.0.0.1' });
  sim = await workingSession(world, svc, S);
  files = fileServer({
    '/pic.png': { bytes: PNG_1X1, type: 'image/png' },
    '/big.bin': { bytes: new Uint8Array(2 * 1024 * 1024), type: 'application/octet-stream' },
  });
}, 60_000);
afterAll(async () => {
  await files?.stop();
  await world.dispose();
});

const send = (route: string, body: Record<string, unknown>) => call(svc, 'POST', `/api/${route}`, { session: S, ...body });

/** Sends, expects 201, and returns the entry the simulator recorded for the returned id. */
async function sent(route: string, body: Record<string, unknown>) {
  const res = await send(route, body);
  expect(res.status).toBe(201);
  return { msg: res.json, out: await sim.waitForOutbox({ id: res.json.id._serialized }) };
}

describe('sending, in real Chromium', () => {
  test('sendText with reply_to and mentions', async () => {
    const first = await sent('sendText', { chatId: PEER, text: 'first' });
    const { out } = await sent('sendText', {
      chatId: PEER,
      text: `reply @${OTHER.split('@')[0]}`,
      reply_to: first.msg.id._serialized,
      mentions: [OTHER],
    });
    expect(out).toMatchObject({ chatId: PEER, type: 'chat', quotedMsgId: first.msg.id._serialized, mentionedIds: [OTHER] });
  });

  test('sends to one chat leave in the order they were accepted', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `order ${i}`);
    const replies = await Promise.all(texts.map((text) => send('sendText', { chatId: OTHER, text })));
    expect(replies.map((r) => r.status)).toEqual(texts.map(() => 201));
    const bodies = (await sim.outbox()).filter((o) => o.chatId === OTHER && o.body?.startsWith('order ')).map((o) => o.body);
    expect(bodies).toEqual(texts);
  });

  test('sendImage from base64 data and from a url', async () => {
    const a = await sent('sendImage', {
      chatId: PEER,
      caption: 'from data',
      file: { mimetype: 'image/png', filename: 'a.png', data: PNG_1X1.toString('base64') },
    });
    expect(a.out).toMatchObject({ type: 'image', caption: 'from data', media: { mimetype: 'image/png', size: PNG_1X1.length } });
    expect(Buffer.from(await sim.mediaData(a.out.media!.directPath), 'base64')).toEqual(PNG_1X1);
    const b = await sent('sendImage', { chatId: PEER, caption: 'from url', file: { mimetype: 'image/png', url: files.url('/pic.png') } });
    expect(b.out).toMatchObject({ type: 'image', caption: 'from url', media: { size: PNG_1X1.length } });
    expect(b.msg.hasMedia).toBe(true);
  });

  test('sendFile (a document) from data and from a url', async () => {
    const a = await sent('sendFile', {
      chatId: PEER,
      file: { mimetype: 'application/pdf', filename: 'doc.pdf', data: Buffer.from('%PDF-1.4 fake').toString('base64') },
    });
    expect(a.out).toMatchObject({ type: 'document', media: { mimetype: 'application/pdf', filename: 'doc.pdf' } });
    const b = await sent('sendFile', { chatId: PEER, file: { mimetype: 'image/png', url: files.url('/pic.png') } });
    expect(b.out).toMatchObject({ type: 'document', media: { filename: 'pic.png' } });
  });

  test('sendVoice and sendVideo from data and from a url', async () => {
    const voice = await sent('sendVoice', { chatId: PEER, file: { mimetype: 'audio/ogg; codecs=opus', data: OGG.toString('base64') } });
    expect(voice.out.type).toBe('ptt');
    const video = await sent('sendVideo', {
      chatId: PEER,
      caption: 'clip',
      file: { mimetype: 'video/mp4', filename: 'v.mp4', data: MP4.toString('base64') },
    });
    expect(video.out).toMatchObject({ type: 'video', caption: 'clip' });
    const fromUrl = await sent('sendVideo', { chatId: PEER, file: { mimetype: 'video/mp4', url: files.url('/pic.png') } });
    expect(fromUrl.out.media!.size).toBe(PNG_1X1.length);
    const voiceUrl = await sent('sendVoice', { chatId: PEER, file: { mimetype: 'audio/ogg; codecs=opus', url: files.url('/pic.png') } });
    expect(voiceUrl.out.type).toBe('ptt');
  });

  test('sendLocation, sendContactVcard, sendPoll', async () => {
    const loc = await sent('sendLocation', { chatId: PEER, latitude: 52.52, longitude: 13.4, title: 'Berlin' });
    expect(loc.out).toMatchObject({ type: 'location', location: { latitude: 52.52, longitude: 13.4 } });
    const card = await sent('sendContactVcard', { chatId: PEER, contacts: [{ fullName: 'Ada Lovelace', phoneNumber: '+1 555 010 0003' }] });
    expect(card.out.type).toBe('vcard');
    expect(card.out.body ?? card.out.vcards?.[0]).toContain('FN:Ada Lovelace');
    const poll = await sent('sendPoll', { chatId: GROUP, poll: { name: 'Lunch?', options: ['yes', 'no'], multipleAnswers: false } });
    expect(poll.out).toMatchObject({
      type: 'poll_creation',
      chatId: GROUP,
      poll: { name: 'Lunch?', options: ['yes', 'no'], selectableCount: 1 },
    });
  });

  test('forwardMessage sends a copy marked forwarded to the other chat', async () => {
    const { msg } = await sent('sendText', { chatId: PEER, text: 'forward me' });
    const res = await send('forwardMessage', { chatId: OTHER, messageId: msg.id._serialized });
    expect(res.status).toBe(201);
    const copy = await sim.waitForOutbox({ chatId: OTHER, body: 'forward me' });
    expect(copy.isForwarded).toBe(true);
  });

  test('sendSeen, startTyping, stopTyping reach the page', async () => {
    expect((await send('sendSeen', { chatId: PEER })).status).toBe(201);
    expect((await send('startTyping', { chatId: PEER })).json).toEqual({ result: true });
    expect((await send('stopTyping', { chatId: PEER })).status).toBe(201);
    const kinds = (await sim.actions()).filter((a) => a.chatId === PEER).map((a) => a.kind);
    expect(kinds).toContain('seen');
    expect(kinds.filter((k) => k === 'chatstate').length).toBeGreaterThanOrEqual(2);
  });

  test('PUT /api/reaction and PUT /api/star', async () => {
    const { msg } = await sent('sendText', { chatId: PEER, text: 'react to me' });
    const r = await call(svc, 'PUT', '/api/reaction', { session: S, messageId: msg.id._serialized, reaction: '👍' });
    expect(r).toEqual({ status: 200, json: { result: true } });
    const reaction = await sim.waitForOutbox({ type: 'reaction', reactionTo: msg.id._serialized });
    expect(reaction.body).toBe('👍');
    const s = await call(svc, 'PUT', '/api/star', { session: S, messageId: msg.id._serialized, star: true });
    expect(s).toEqual({ status: 200, json: { result: true } });
  });
});

describe('bad input', () => {
  test('a malformed chatId → 400 naming the expected form', async () => {
    const res = await send('sendText', { chatId: 'not-a-chat', text: 'x' });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('@c.us');
    expect(res.json.message).toContain('@g.us');
  });

  test('file with neither url nor data → 400', async () => {
    const res = await send('sendImage', { chatId: PEER, file: { mimetype: 'image/png' } });
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('url or data');
  });

  test('media over MEDIA_MAX_MB → 413, from data and from a url; a non-http url → 400', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10).toString('base64');
    expect((await send('sendFile', { chatId: PEER, file: { mimetype: 'application/octet-stream', data: big } })).status).toBe(413);
    expect(
      (await send('sendFile', { chatId: PEER, file: { mimetype: 'application/octet-stream', url: files.url('/big.bin') } })).status,
    ).toBe(413);
    expect((await send('sendFile', { chatId: PEER, file: { mimetype: 'text/plain', url: 'file:///etc/passwd' } })).status).toBe(400);
  });

  test('a webhook URL that is not http(s) → 400; an event name this service does not know is accepted', async () => {
    const create = (webhook: Record<string, unknown>) =>
      call(svc, 'POST', '/api/sessions', { name: 'bad', start: false, config: { webhooks: [webhook] } });
    const bad = await create({ url: 'ftp://example.invalid/x', events: ['message'] });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('http:// or https://');
    // WAHA's event list grows every release: a newer client's name is taken, and simply never matches.
    const newer = await create({ url: 'http://127.0.0.1:9/x', events: ['message', 'engine.event'] });
    expect(newer.status).toBe(201);
    expect((await call(svc, 'DELETE', '/api/sessions/bad')).status).toBe(200);
    expect(
      (await call(svc, 'PUT', `/api/sessions/${S}`, { config: { webhooks: [{ url: 'ftp://x/y', events: ['message'] }] } })).status,
    ).toBe(400);
    expect(svc.sessions.get(S).status).toBe('WORKING'); // nor applied
  });
});
