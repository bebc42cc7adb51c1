/**
 * What WAHA clients send and expect of sending and of the message object: chat ids in every form
 * WAHA accepts (a bare phone number too) in bodies, paths and queries; `""` for unset ids; the
 * sending options (`id`, `linkPreviewHighQuality`, `reply_to` on cards and polls); the message in
 * events and in the send answer. Over the real stack, each test on a session of its own, checked
 * in the simulator's outbox and action log.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { DEFAULT_ME, simChannelId, simContactId, simGroupId, simLid } from '../sim/index';
import { call, PNG_1X1, workingSession } from '../support/messaging';
import type { RunningService } from '../support/service';
import { Receiver } from '../support/webhooks';
import { E2eWorld } from '../support/world';

/** A test starts a browser of its own: a few seconds on a loaded machine. */
const TEST_MS = 60_000;
const ME = `${DEFAULT_ME.number}@c.us`;
const [ANA, BEN, CARLA] = [simContactId(0), simContactId(1), simContactId(2)];
const GROUP = simGroupId(0);
const digits = (id: string) => id.split('@')[0]!;
const CARD = (name: string, n: string) => `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nTEL;type=CELL;waid=${n}:+${n}\nEND:VCARD`;

let world: E2eWorld;
let svc: RunningService;
const opened: string[] = [];

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterEach(async () => {
  for (const name of opened.splice(0)) await call(svc, 'DELETE', `/api/sessions/${name}`);
});
afterAll(async () => {
  await world.dispose();
});

let serial = 0;
/** A WORKING session of this test's own (deleted after it). */
async function session(config: Record<string, unknown> = {}) {
  const s = `ids${++serial}`;
  opened.push(s);
  const sim = await workingSession(world, svc, s, config);
  const send = (route: string, body: Record<string, unknown>) => call(svc, 'POST', `/api/${route}`, { session: s, ...body });
  /** Sends, expects 201, and returns the answer and what the simulator recorded for it. */
  const sent = async (route: string, body: Record<string, unknown>) => {
    const res = await send(route, body);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return { msg: res.json, out: await sim.waitForOutbox({ id: res.json.id._serialized }) };
  };
  return { s, sim, send, sent };
}

describe('chat ids as WAHA accepts them', () => {
  test(
    'a bare phone number (digits, +, spaces, dashes, parentheses) is <digits>@c.us in bodies, paths and queries',
    async () => {
      const { s, sent } = await session();
      for (const written of [digits(BEN), `+${digits(BEN)}`, '+1 555 010 0001', '1 (555) 010-0001', '+1-555-010-0001']) {
        const { out } = await sent('sendText', { chatId: written, text: `to ${written}` });
        expect(out.chatId).toBe(BEN);
      }
      // Paths and queries take the same forms.
      const history = await call(
        svc,
        'GET',
        `/api/${s}/chats/${encodeURIComponent('+1 555 010 0001')}/messages?limit=1&downloadMedia=false`,
      );
      expect(history.status).toBe(200);
      expect(history.json[0]).toMatchObject({ to: BEN, body: 'to +1-555-010-0001' });
      const picture = await call(svc, 'GET', `/api/contacts/profile-picture?session=${s}&contactId=${digits(BEN)}`);
      expect(picture.status).toBe(200);
      const contact = await call(svc, 'GET', `/api/contacts?session=${s}&contactId=%2B${digits(BEN)}`);
      expect(contact.json.id).toBe(BEN);
      // Mentions too (WAHA adds @c.us to each).
      const { out } = await sent('sendText', { chatId: GROUP, text: `hi @${digits(CARLA)}`, mentions: [digits(CARLA)] });
      expect(out).toMatchObject({ chatId: GROUP, mentionedIds: [CARLA] });
    },
    TEST_MS,
  );

  test(
    '…@g.us, …@lid, …@c.us pass as they are; …@newsletter and status@broadcast too; anything else is a 400 naming the field',
    async () => {
      const { s, sent, send } = await session();
      expect((await sent('sendText', { chatId: GROUP, text: 'to the group' })).out.chatId).toBe(GROUP);
      expect((await sent('sendText', { chatId: simLid(ANA), text: 'to a LID' })).out.chatId).toBe(simLid(ANA));
      expect((await sent('sendText', { chatId: CARLA, text: 'as it is' })).out.chatId).toBe(CARLA);
      // The schema takes channel and status ids: an unknown session answers, not the validation.
      for (const chatId of [simChannelId(0), 'status@broadcast'])
        expect((await call(svc, 'POST', '/api/sendText', { session: 'nobody', chatId, text: 'x' })).status).toBe(404);

      const refused = [
        [await send('sendText', { chatId: 'abc', text: 'x' }), 'chatId'],
        [await send('sendText', { chatId: '12@c.us', text: 'x' }), 'chatId'],
        [await send('sendText', { chatId: '+1 555', text: 'x' }), 'chatId'],
        [await send('sendText', { chatId: 'x@s.whatsapp.net', text: 'x' }), 'chatId'],
        [await send('sendText', { chatId: BEN, text: 'x', mentions: ['someone'] }), 'mentions'],
        [await call(svc, 'GET', `/api/${s}/chats/abc/messages`), 'chatId'],
        [await call(svc, 'GET', `/api/contacts?session=${s}&contactId=abc`), 'contactId'],
        [await call(svc, 'POST', `/api/${s}/chats/not-a-chat/messages/read`), 'chatId'],
      ] as const;
      for (const [res, field] of refused) {
        expect(res.status).toBe(400);
        expect(res.json.message).toContain(`${field} must be a chat id`);
      }
    },
    TEST_MS,
  );
});

describe('"" means not set', () => {
  test(
    'reply_to: "" on every send, messageId: "" on sendSeen, id: "" — accepted and treated as absent',
    async () => {
      const { sim, sent, send } = await session();
      const image = { mimetype: 'image/png', filename: 'dot.png', data: PNG_1X1.toString('base64') };
      const outs = [
        (await sent('sendText', { chatId: BEN, text: 'plain', reply_to: '', id: '' })).out,
        (await sent('sendImage', { chatId: BEN, file: image, reply_to: '' })).out,
        (await sent('sendLocation', { chatId: BEN, latitude: 52.5, longitude: 13.4, title: 'Here', reply_to: '' })).out,
        (await sent('sendContactVcard', { chatId: BEN, contacts: [{ vcard: CARD('Jane', '15550109999') }], reply_to: '' })).out,
        (await sent('sendPoll', { chatId: BEN, poll: { name: 'Q?', options: ['a', 'b'], multipleAnswers: false }, reply_to: '' })).out,
      ];
      expect(outs.map((o) => o.type)).toEqual(['chat', 'image', 'location', 'vcard', 'poll_creation']);
      for (const o of outs) expect(o.quotedMsgId).toBeUndefined();

      await sim.receive({ from: CARLA, body: 'unread' });
      await sim.clearLogs();
      expect(await send('sendSeen', { chatId: CARLA, messageId: '' })).toEqual({ status: 201, json: { ids: null } });
      expect((await sim.actions()).filter((a) => a.kind === 'seen').map((a) => a.chatId)).toEqual([CARLA]);
      expect((await sim.chatState(CARLA)).unreadCount).toBe(0);
      expect((await send('sendText', { chatId: BEN, text: 'x', reply_to: 'nope' })).json.message).toContain('reply_to must be');
    },
    TEST_MS,
  );
});

describe('sending options', () => {
  test(
    'reply_to on cards, polls and locations; several cards in one message; id and linkPreviewHighQuality accepted',
    async () => {
      const { sent, send } = await session();
      const first = (await sent('sendText', { chatId: BEN, text: 'the question', linkPreviewHighQuality: true })).msg;
      const quoted = first.id._serialized;
      const card = await sent('sendContactVcard', {
        chatId: BEN,
        reply_to: quoted,
        contacts: [{ fullName: 'Ada Lovelace', phoneNumber: '+1 555 010 0003' }],
      });
      expect(card.out).toMatchObject({ type: 'vcard', quotedMsgId: quoted });
      const two = await sent('sendContactVcard', {
        chatId: BEN,
        contacts: [{ vcard: CARD('Jane', '15550109991') }, { vcard: CARD('John', '15550109992') }],
      });
      expect(two.out.type).toBe('multi_vcard');
      expect(two.out.vcards).toEqual([CARD('Jane', '15550109991'), CARD('John', '15550109992')]);
      const poll = await sent('sendPoll', {
        chatId: BEN,
        reply_to: quoted,
        poll: { name: 'Lunch?', options: ['yes', 'no'], multipleAnswers: true },
      });
      expect(poll.out).toMatchObject({ type: 'poll_creation', quotedMsgId: quoted, poll: { name: 'Lunch?', options: ['yes', 'no'] } });
      const here = await sent('sendLocation', { chatId: BEN, latitude: 1.5, longitude: 2.5, title: 'Spot', reply_to: quoted });
      expect(here.out).toMatchObject({ type: 'location', quotedMsgId: quoted });

      // A pre-generated id is accepted on every send WAHA takes it on (whatsapp-web.js makes its own: docs/chats-messages.md).
      for (const [route, body] of [
        ['sendText', { chatId: BEN, text: 'with an id' }],
        ['sendLocation', { chatId: BEN, latitude: 1, longitude: 2, title: 'x' }],
        ['sendContactVcard', { chatId: BEN, contacts: [{ vcard: CARD('Id', '15550109993') }] }],
        ['sendPoll', { chatId: BEN, poll: { name: 'Id?', options: ['a', 'b'], multipleAnswers: false } }],
      ] as const)
        await sent(route, { ...body, id: '3EB0AABBCCDDEEFF001122' });
      const forwarded = await send('forwardMessage', { chatId: CARLA, messageId: quoted, id: '3EB0AABBCCDDEEFF001133' });
      expect(forwarded.status).toBe(201);
      expect((await send('sendText', { chatId: BEN, text: 'x', id: 'not an id!' })).json.message).toContain('id must be');
    },
    TEST_MS,
  );
});

describe('the message object', () => {
  test(
    "the sendText answer is whatsapp-web.js's message; ackName from ERROR (-1) to PLAYED (4) in message.ack",
    async () => {
      const hooks = new Receiver();
      try {
        const { sim, sent } = await session({ webhooks: [{ url: hooks.url, events: ['message.ack'] }] });
        const { msg } = await sent('sendText', { chatId: BEN, text: 'the answer' });
        // Seconds, as whatsapp-web.js gives it (checked first: toMatchObject writes its matchers into what it checks).
        expect(Math.abs(msg.timestamp - Date.now() / 1000)).toBeLessThan(60);
        expect(msg).toMatchObject({
          id: { fromMe: true, remote: BEN, id: expect.any(String), _serialized: `true_${BEN}_${msg.id.id}` },
          fromMe: true,
          body: 'the answer',
          from: ME,
          to: BEN,
          timestamp: expect.any(Number),
          ack: expect.any(Number),
          hasMedia: false,
          type: 'chat',
          _data: expect.objectContaining({ body: 'the answer', type: 'chat' }),
        });

        await sim.setAckMode('manual');
        const acks = (id: string) =>
          hooks.arrivals.filter((a) => a.json.payload.id === id).map((a) => [a.json.payload.ack, a.json.payload.ackName]);
        const played = (await sent('sendText', { chatId: BEN, text: 'ack me' })).msg.id._serialized;
        for (const n of [1, 2, 3, 4]) await sim.ack(played, n);
        await hooks.until(() => acks(played).length >= 4, 'four acks');
        expect(acks(played)).toEqual([
          [1, 'SERVER'],
          [2, 'DEVICE'],
          [3, 'READ'],
          [4, 'PLAYED'],
        ]);
        await sim.failNextSend({ mode: 'ack-error' });
        const failed = (await sent('sendText', { chatId: BEN, text: 'this fails' })).msg.id._serialized;
        await hooks.until(() => acks(failed).length > 0, 'the error ack');
        expect(acks(failed).at(-1)).toEqual([-1, 'ERROR']);
      } finally {
        await hooks.stop();
      }
    },
    TEST_MS,
  );

  test(
    'events carry author (groups), location, vCards, media and mediaUrl, replyTo with hasMedia and media, and a bounded _data',
    async () => {
      const hooks = new Receiver();
      try {
        const { s, sim } = await session({ webhooks: [{ url: hooks.url, events: ['message'] }] });
        const payload = async (id: string) => {
          await hooks.until(() => hooks.arrivals.some((a) => a.json.payload.id === id), `message ${id}`);
          return hooks.arrivals.find((a) => a.json.payload.id === id)!.json.payload;
        };
        const inGroup = await sim.receive({ from: GROUP, author: CARLA, body: 'hello group' });
        expect(await payload(inGroup)).toMatchObject({ from: GROUP, author: CARLA, participant: CARLA, body: 'hello group' });

        const at = await sim.receive({ from: ANA, location: { latitude: 52.52, longitude: 13.405, description: 'Alexanderplatz' } });
        expect((await payload(at)).location).toMatchObject({ live: false, latitude: 52.52, longitude: 13.405, name: 'Alexanderplatz' });

        const card = CARD('Jane Roe', '15550109999');
        const cardId = await sim.receive({ from: ANA, vcard: card });
        expect((await payload(cardId)).vCards).toEqual([card]);

        const pic = await sim.receive({ from: ANA, media: { mimetype: 'image/png', data: PNG_1X1.toString('base64'), filename: 'p.png' } });
        const picture = await payload(pic);
        expect(picture.media).toMatchObject({ mimetype: 'image/png', filename: 'p.png' });
        expect(picture.media.url).toContain(`/api/files/${s}/`);
        expect(picture.mediaUrl).toBe(picture.media.url);

        const reply = await sim.receive({ from: ANA, body: 'nice picture?', quotedId: pic });
        expect((await payload(reply)).replyTo).toMatchObject({
          id: pic.split('_')[2],
          participant: ANA,
          hasMedia: true,
          media: { url: null, mimetype: 'image/png' },
        });

        // A 100 KB text: the body is the message, so it stays; _data leaves such strings out.
        const long = 'x'.repeat(100 * 1024);
        const big = await payload(await sim.receive({ from: ANA, body: long }));
        expect(big.body).toBe(long);
        expect(big._data.body).toBeUndefined();
        expect(big._data.type).toBe('chat');
        expect(JSON.stringify(big._data).length).toBeLessThan(20_000);
      } finally {
        await hooks.stop();
      }
    },
    TEST_MS,
  );
});
