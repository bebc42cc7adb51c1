/**
 * Status posts, calls, poll votes, buttons replies and the events WAHA's WEBJS engine sends for
 * them (and for waiting messages and group acks) over the real stack; each test a session of
 * its own, the effect read back from the simulator's page.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { PNG_1X1, VOICE_OGG_OPUS } from '../sim/fixtures';
import { DEFAULT_ME, simContactId, simGroupId } from '../sim/index';
import { call } from '../support/messaging';
import { inSession, nextWaEvent } from '../support/parity';
import type { RunningService } from '../support/service';
import { E2eWorld } from '../support/world';

setDefaultTimeout(120_000);
const ME = `${DEFAULT_ME.number}@c.us`;
let world: E2eWorld;
let svc: RunningService;

beforeAll(async () => {
  world = new E2eWorld();
  svc = await world.start();
}, 60_000);
afterAll(() => world.dispose());

describe('status', () => {
  test('text: the answer is the posted message (colour and font kept), and deleting it revokes it', () =>
    inSession(world, svc, 'st-text', async (sim) => {
      const S = 'st-text';
      const posted = await call(svc, 'POST', `/api/${S}/status/text`, { text: 'Good morning', backgroundColor: '#ff0000', font: 2 });
      expect(posted.status).toBe(201);
      const post = (await sim.statusPosts()).find((p) => p.body === 'Good morning')!;
      expect(post).toMatchObject({ chatId: 'status@broadcast', type: 'chat', backgroundColor: 0xffff0000, font: 2 });
      expect(posted.json.id._serialized).toBe(post.id);

      expect(await call(svc, 'POST', `/api/${S}/status/delete`, { id: posted.json.id.id })).toEqual({
        status: 201,
        json: { success: true },
      });
      expect((await sim.statusPosts()).find((p) => p.id === post.id)?.revoked).toBe(true);
      expect(await sim.waitForOutbox({ type: 'revoke', id: post.id })).toMatchObject({ chatId: 'status@broadcast' });
    }));

  test('image, voice and video: posted with their bytes; a chosen audience is refused; no message ids in advance', () =>
    inSession(world, svc, 'st-media', async (sim) => {
      const S = 'st-media';
      const sends = [
        ['image', { file: { mimetype: 'image/png', filename: 'dot.png', data: PNG_1X1 }, caption: 'a dot' }, 'image'],
        ['voice', { file: { mimetype: 'audio/ogg; codecs=opus', data: VOICE_OGG_OPUS } }, 'ptt'],
        ['video', { file: { mimetype: 'video/mp4', filename: 'clip.mp4', data: btoa('mp4 bytes') }, caption: 'a clip' }, 'video'],
      ] as const;
      for (const [route, body, type] of sends) {
        const res = await call(svc, 'POST', `/api/${S}/status/${route}`, body);
        expect(res.status, route).toBe(201);
        const id: string = res.json.id._serialized;
        expect((await sim.statusPosts()).find((p) => p.id === id)).toMatchObject({ chatId: 'status@broadcast', type });
        const media = await sim.sentMedia(id);
        expect({ mimetype: media.mimetype, data: media.data }).toEqual({ mimetype: body.file.mimetype, data: body.file.data });
      }
      const chosen = await call(svc, 'POST', `/api/${S}/status/text`, { text: 'only you', contacts: [simContactId(0)] });
      expect(chosen.status).toBe(422);
      expect(chosen.json.message).toContain("doesn't accept 'contacts'");
      expect((await sim.statusPosts()).some((p) => p.body === 'only you')).toBe(false);
      const ahead = await call(svc, 'GET', `/api/${S}/status/new-message-id`);
      expect(ahead.status).toBe(501);
    }));

  test('a failure inside whatsapp-web.js is a 502 naming the call', () =>
    inSession(world, svc, 'st-fail', async (sim) => {
      // The library refuses to revoke a message that is not one of my status posts.
      const theirs = await sim.receive({ from: simContactId(0), body: 'not a status' });
      const res = await call(svc, 'POST', '/api/st-fail/status/delete', { id: theirs });
      expect(res.status).toBe(502);
      expect(res.json.message).toContain('status.delete');
      expect((await sim.message(theirs))?.revoked).toBe(false);
    }));
});

describe('calls', () => {
  test('an incoming call: call.received; rejected through the API: rejected in the page, call.rejected', () =>
    inSession(world, svc, 'call', async (sim) => {
      const S = 'call';
      const from = simContactId(1);
      const ringing = nextWaEvent(svc, S, 'call.received');
      const id = await sim.incomingCall({ from, isVideo: true });
      expect(await ringing).toMatchObject({ id, from, isVideo: true, isGroup: false });
      expect((await sim.calls()).find((c) => c.id === id)?.state).toBe('ringing');

      const rejected = nextWaEvent(svc, S, 'call.rejected', (p) => p.id === id);
      expect(await call(svc, 'POST', `/api/${S}/calls/reject`, { from, id })).toEqual({ status: 201, json: { success: true } });
      expect((await sim.calls()).find((c) => c.id === id)).toMatchObject({ state: 'rejected', from });
      expect(await rejected).toMatchObject({ id, from, isGroup: false, _data: { status: 'reject', api: true } });
      expect((await call(svc, 'POST', `/api/${S}/calls/reject`, { id })).status).toBe(400);
    }));
});

describe('polls and buttons', () => {
  test("vote on a contact's poll: the vote in the page, poll.vote for mine and for theirs; unknown options refused", () =>
    inSession(world, svc, 'poll', async (sim) => {
      const S = 'poll';
      const chat = '15550107601@c.us';
      const arrived = nextWaEvent(svc, S, 'message', (p) => p.body === 'Lunch?');
      const pollId = await sim.receive({ from: chat, poll: { name: 'Lunch?', options: ['pizza', 'sushi', 'salad'], selectableCount: 0 } });
      await arrived;

      const mine = nextWaEvent(svc, S, 'poll.vote', (p) => p.vote.fromMe);
      const voted = await call(svc, 'POST', '/api/sendPollVote', {
        session: S,
        chatId: chat,
        pollMessageId: pollId,
        votes: ['sushi', 'salad'],
      });
      expect(voted).toEqual({ status: 201, json: { success: true } });
      expect(await sim.waitForOutbox({ type: 'poll_vote', voteOf: pollId })).toMatchObject({ selectedOptions: ['sushi', 'salad'] });
      expect(await mine).toMatchObject({
        poll: { id: pollId, fromMe: false, from: chat, to: ME },
        vote: { fromMe: true, from: ME, to: chat, selectedOptions: ['sushi', 'salad'] },
      });

      const theirs = nextWaEvent(svc, S, 'poll.vote', (p) => !p.vote.fromMe);
      await sim.pollVote(pollId, { options: ['pizza'] });
      expect((await theirs).vote).toMatchObject({ from: chat, to: ME, selectedOptions: ['pizza'] });
      expect((await sim.pollVotes(pollId)).find((v) => v.voter === ME)?.selectedOptions).toEqual(['sushi', 'salad']);

      const unknown = await call(svc, 'POST', '/api/sendPollVote', { session: S, chatId: chat, pollMessageId: pollId, votes: ['tacos'] });
      expect(unknown.status).toBe(422);
      expect(unknown.json.message).toContain("'tacos'");
      const text = await sim.receive({ from: chat, body: 'not a poll' });
      expect((await call(svc, 'POST', '/api/sendPollVote', { session: S, chatId: chat, pollMessageId: text, votes: ['x'] })).status).toBe(
        422,
      );

      const reply = await call(svc, 'POST', '/api/send/buttons/reply', {
        session: S,
        chatId: chat,
        selectedDisplayText: 'Yes',
        selectedButtonID: 'yes',
      });
      expect(reply.status).toBe(422);
      expect(reply.json.message).toContain('Plus');
      expect((await call(svc, 'POST', '/api/send/buttons/reply', { session: S, chatId: chat })).status).toBe(400);
    }));
});

describe('message events', () => {
  test('message.waiting for a message that cannot be decrypted yet, then message; message.ack.group for a group send', () =>
    inSession(world, svc, 'ev', async (sim) => {
      const S = 'ev';
      const waiting = nextWaEvent(svc, S, 'message.waiting');
      const id = await sim.receiveWaiting({ from: '15550107602@c.us', body: 'finally readable' });
      expect(await waiting).toMatchObject({ id, fromMe: false, body: '' });
      const decrypted = nextWaEvent(svc, S, 'message', (p) => p.id === id);
      await sim.decrypt(id);
      expect((await decrypted).body).toBe('finally readable');

      const sent = await call(svc, 'POST', '/api/sendText', { session: S, chatId: simGroupId(0), text: 'hello group' });
      const gid: string = sent.json.id._serialized;
      const ack = await nextWaEvent(svc, S, 'message.ack.group', (p) => p.id === gid && p.ack >= 2);
      expect(ack).toMatchObject({ id: gid, fromMe: true, to: simGroupId(0) });
    }));
});

describe('bad input and sessions that are not WORKING', () => {
  test('400 naming the field; 404 unknown session; 422 stopped', async () => {
    expect((await call(svc, 'POST', '/api/sessions', { name: 'scp-stopped', start: false })).status).toBe(201);
    try {
      const chat = simContactId(0);
      const image = { mimetype: 'image/png', data: PNG_1X1 };
      const poll = `false_${chat}_3A0123456789ABCDEF01`;
      for (const [path, body, field] of [
        ['/api/scp-stopped/status/text', { text: '' }, 'text'],
        ['/api/scp-stopped/status/text', { text: 'x', backgroundColor: 'red' }, 'backgroundColor'],
        ['/api/scp-stopped/status/image', { caption: 'no file' }, 'file'],
        ['/api/scp-stopped/status/voice', { file: { data: VOICE_OGG_OPUS } }, 'mimetype'],
        ['/api/scp-stopped/status/video', { file: image, convert: 'yes' }, 'convert'],
        ['/api/scp-stopped/status/delete', {}, 'id'],
        ['/api/scp-stopped/calls/reject', { from: 'someone', id: 'CALL' }, 'from'],
        ['/api/sendPollVote', { session: 'scp-stopped', chatId: chat, pollMessageId: 'nope', votes: ['a'] }, 'pollMessageId'],
        ['/api/sendPollVote', { session: 'scp-stopped', chatId: chat, pollMessageId: poll }, 'votes'],
        ['/api/send/buttons/reply', { session: 'scp-stopped', chatId: chat, selectedDisplayText: 'Yes' }, 'selectedButtonID'],
      ] as const) {
        const res = await call(svc, 'POST', path, body);
        expect(res.status, path).toBe(400);
        expect(JSON.stringify(res.json), path).toContain(field);
      }
      for (const [method, path, body] of [
        ['POST', '/api/scp-stopped/status/text', { text: 'x' }],
        ['POST', '/api/scp-stopped/status/image', { file: image }],
        ['POST', '/api/scp-stopped/status/voice', { file: image }],
        ['POST', '/api/scp-stopped/status/video', { file: image }],
        ['POST', '/api/scp-stopped/status/delete', { id: 'ABC' }],
        ['GET', '/api/scp-stopped/status/new-message-id'],
        ['POST', '/api/scp-stopped/calls/reject', { from: chat, id: 'CALL' }],
        ['POST', '/api/sendPollVote', { session: 'scp-stopped', chatId: chat, pollMessageId: poll, votes: ['a'] }],
        ['POST', '/api/send/buttons/reply', { session: 'scp-stopped', chatId: chat, selectedDisplayText: 'Y', selectedButtonID: 'y' }],
      ] as const) {
        const res = await call(svc, method, path, body);
        expect(res.status, `${method} ${path}`).toBe(422);
        expect(res.json.message, `${method} ${path}`).toContain('STOPPED');
        const other = body && 'session' in body ? { ...body, session: 'no-such' } : body;
        expect((await call(svc, method, path.replace('scp-stopped', 'no-such'), other)).status, `${method} ${path}`).toBe(404);
      }
    } finally {
      await call(svc, 'DELETE', '/api/sessions/scp-stopped');
    }
  });
});
